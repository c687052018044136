package dev.cipherline.cli.internal.command;

import static dev.cipherline.cli.internal.command.Converters.seconds;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.StoredMessage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The listener a command gives the SDK. It runs on the SDK's event thread, so messages are passed
 * on in order; it remembers whether the relay was ever reached (for a precise timeout sentence) and
 * turns an authentication failure or a refused TLS certificate, which retrying within one command
 * cannot fix, into a failed {@link #fatal()} future so that the command ends at once instead of
 * waiting for its timeout.
 */
final class SessionListener implements ChatListener {
    private final Consumer<IncomingMessage> messages;
    private final Consumer<ChatException> warnings;
    private volatile Consumer<StoredMessage> notes = note -> {};
    private final CompletableFuture<Void> fatal = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean connected;

    /**
     * @param messages receives each incoming message, on the event thread
     * @param warnings receives errors about single envelopes (e.g. one the SDK rejected); transient
     *     connection errors are not passed on, since the SDK retries them by itself
     */
    SessionListener(Consumer<IncomingMessage> messages, Consumer<ChatException> warnings) {
        this.messages = messages;
        this.warnings = warnings;
    }

    @Override
    public void onMessage(IncomingMessage message) {
        messages.accept(message);
    }

    /**
     * Passes each note the SDK writes from now on (e.g. "3 messages from alice expired before this
     * device came online") to {@code notes}, as the history row it is, on the event thread.
     */
    void notes(Consumer<StoredMessage> notes) {
        this.notes = notes;
    }

    @Override
    public void onNote(Note note, AccountId peer, GroupId group, MessageId id) {
        Instant now = Instant.now();
        notes.accept(
                new StoredMessage(
                        id,
                        peer != null ? peer : note.about(),
                        Direction.NOTE,
                        note.text(),
                        now,
                        now,
                        MessageState.DELIVERED,
                        null,
                        false,
                        note));
    }

    @Override
    public void onConnectionState(ConnectionState state) {
        if (state == ConnectionState.CONNECTED) {
            connected = true;
        }
    }

    @Override
    public void onError(ChatException error) {
        switch (error.reason()) {
            // neither goes away by retrying within one command
            case AUTH_FAILED, RELAY_UNTRUSTED -> fatal.completeExceptionally(error);
            case REJECTED, CRYPTO_FAILURE, STORE_FAILURE -> warnings.accept(error);
            default -> {
                // connection trouble: the SDK reconnects with backoff; the command's timeout
                // decides
            }
        }
    }

    @Override
    public void onClosed() {
        closed.countDown();
    }

    /**
     * Returns a future that fails when the session can never succeed (authentication failed, or the
     * relay's certificate was refused).
     */
    CompletableFuture<Void> fatal() {
        return fatal;
    }

    /**
     * Says why a wait for the relay to {@code doSomething} ended after {@code waited}: the relay
     * was never reached, or it was reached and did not answer in time.
     */
    String whyTimedOut(URI relay, Duration waited, String doSomething) {
        return connected
                ? "the relay at " + relay + " did not " + doSomething + " within " + seconds(waited)
                : "could not reach the relay at " + relay + " within " + seconds(waited);
    }

    /** Waits until the SDK's last callback ran, so that everything it handed over is printed. */
    void awaitClosed(Duration timeout) throws InterruptedException {
        closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
}
