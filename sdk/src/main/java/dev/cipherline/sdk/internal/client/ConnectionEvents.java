package dev.cipherline.sdk.internal.client;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.inbound.ExpiryNotices;
import dev.cipherline.sdk.internal.inbound.Receiver;
import dev.cipherline.sdk.internal.outbound.OutboxThread;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the relay connection reports, on the inbound thread: state changes go to the app and wake
 * the outbox; delivered envelopes go to the {@link Receiver}, expiry notices to {@link
 * ExpiryNotices}; {@code synced} completes the current {@link #synced()} future, which a new
 * authentication replaces.
 */
final class ConnectionEvents implements RelayConnection.Handler {
    private static final Log LOG = Log.get(ConnectionEvents.class.getName());

    private final Events events;
    private final AtomicReference<CompletableFuture<Void>> synced =
            new AtomicReference<>(new CompletableFuture<>());
    private Receiver receiver;
    private ExpiryNotices expiry;
    private OutboxThread worker;

    ConnectionEvents(Events events) {
        this.events = events;
    }

    /** Completes the wiring: the connection is made before the parts it feeds. */
    void attach(Receiver receiver, ExpiryNotices expiry, OutboxThread worker) {
        this.receiver = receiver;
        this.expiry = expiry;
        this.worker = worker;
    }

    /** Completes when the relay has delivered everything queued at the last connection. */
    CompletableFuture<Void> synced() {
        return synced.get();
    }

    /** Fails the current {@link #synced()} future: the client is closed. */
    void closed(ChatException error) {
        synced.get().completeExceptionally(error);
    }

    @Override
    public void onState(ConnectionState state) {
        events.post(l -> l.onConnectionState(state));
        worker.wake();
    }

    @Override
    public void onAuthenticated() {
        synced.updateAndGet(f -> f.isDone() ? new CompletableFuture<>() : f);
        worker.requestPreKeyCheck();
    }

    @Override
    public void onFrame(Frame frame) {
        if (frame instanceof Frame.Deliver d) {
            receiver.deliver(d);
            return;
        }
        // envelopes waiting for their group commit are handled before anything that follows them
        receiver.drain();
        if (frame instanceof Frame.Synced) {
            CompletableFuture<Void> current = synced.get();
            events.post(ChatListener::onSynced);
            events.run(() -> current.complete(null));
            worker.requestPreKeyCheck();
        } else if (frame instanceof Frame.Expired e) {
            expiry.expired(e);
        } else if (frame instanceof Frame.ExpiredSummary s) {
            expiry.summary(s);
        } else if (frame instanceof Frame.ErrorFrame e) {
            LOG.log(Log.Level.WARNING, "the relay reported {0}: {1}", e.code().code(), e.message());
        } else {
            LOG.log(
                    Log.Level.DEBUG,
                    "ignoring an unexpected {0} frame",
                    frame.getClass().getSimpleName());
        }
    }

    @Override
    public void onRefused(ChatException reason) {
        events.post(l -> l.onError(reason));
    }

    @Override
    public void onStopped(ChatException reason) {
        events.post(l -> l.onError(reason));
        CompletableFuture<Void> current = synced.get();
        events.run(() -> current.completeExceptionally(reason));
    }
}
