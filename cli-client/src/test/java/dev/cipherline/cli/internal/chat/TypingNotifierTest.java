package dev.cipherline.cli.internal.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.sdk.AccountId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TypingNotifierTest {
    private static final AccountId BOB = new AccountId("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    private static final AccountId CAROL = new AccountId("cccccccccccccccccccccccccccccccc");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong nanos = new AtomicLong();
    private final List<String> sent = new ArrayList<>();
    private final TypingNotifier typing =
            new TypingNotifier(
                    (peer, on) -> sent.add(peer.value().charAt(0) + (on ? "+" : "-")),
                    timer,
                    nanos::get);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void keystrokesSendOneIndicatorAndSendingStopsIt() {
        typing.keystroke(BOB);
        typing.keystroke(BOB);
        typing.keystroke(BOB);
        typing.stop();
        typing.stop();

        assertEquals(List.of("b+", "b-"), sent);
    }

    @Test
    void aLongTypingSessionRefreshesTheIndicator() {
        typing.keystroke(BOB);
        nanos.addAndGet(TypingNotifier.REFRESH.toNanos());
        typing.keystroke(BOB);

        assertEquals(List.of("b+", "b+"), sent);
    }

    @Test
    void switchingConversationsStopsTheFirstIndicator() {
        typing.keystroke(BOB);
        typing.keystroke(CAROL);

        assertEquals(List.of("b+", "b-", "c+"), sent);
    }
}
