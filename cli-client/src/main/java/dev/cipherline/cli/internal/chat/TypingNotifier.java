package dev.cipherline.cli.internal.chat;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Nullable;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Turns keystrokes into typing indicators: "started" on the first keystroke and again every {@link
 * #REFRESH} while the user keeps typing (receivers forget an indicator after about 15 s), "stopped"
 * after {@link #IDLE} without a keystroke, when the line is sent, or when the conversation closes.
 */
final class TypingNotifier {
    static final Duration REFRESH = Duration.ofSeconds(10);
    static final Duration IDLE = Duration.ofSeconds(5);

    private final BiConsumer<AccountId, Boolean> send;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private @Nullable AccountId typingTo;
    private long lastSentNanos;
    private @Nullable ScheduledFuture<?> idle;

    /**
     * @param send sends one indicator; must not block (the SDK's {@code sendTyping} does not)
     * @param timer runs the idle timeout
     * @param nanoTime the monotonic clock, {@code System::nanoTime} outside tests
     */
    TypingNotifier(
            BiConsumer<AccountId, Boolean> send,
            ScheduledExecutorService timer,
            LongSupplier nanoTime) {
        this.send = send;
        this.timer = timer;
        this.nanoTime = nanoTime;
    }

    /** The user pressed a key while the conversation with {@code peer} is open. */
    synchronized void keystroke(AccountId peer) {
        if (!peer.equals(typingTo)) {
            stop();
        }
        long now = nanoTime.getAsLong();
        if (typingTo == null || now - lastSentNanos >= REFRESH.toNanos()) {
            send.accept(peer, true);
            typingTo = peer;
            lastSentNanos = now;
        }
        if (idle != null) {
            idle.cancel(false);
        }
        idle = timer.schedule(this::stop, IDLE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The user sent the line, left the conversation, or stopped typing: says so once. */
    synchronized void stop() {
        if (idle != null) {
            idle.cancel(false);
            idle = null;
        }
        if (typingTo != null) {
            AccountId peer = typingTo;
            typingTo = null;
            send.accept(peer, false);
        }
    }
}
