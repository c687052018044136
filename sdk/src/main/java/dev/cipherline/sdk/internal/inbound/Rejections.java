package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.EnvelopeRejection;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import java.time.Clock;
import java.time.Instant;

/**
 * Reports refused envelopes: to the app, every one ({@code onEnvelopeRejected} and {@code
 * onError}); to the log at WARNING at most one line a minute plus a count of those not logged, so
 * that a hostile relay cannot flood the app's log (the others go to DEBUG). A report names the
 * relay's claims and the reason, never content.
 */
public final class Rejections {
    private static final Log LOG = Log.get(Rejections.class.getName());
    private static final long LOG_INTERVAL_MS = 60_000;

    private final Events events;
    private final Clock clock;
    private long lastLogged = Long.MIN_VALUE / 2;
    private long unlogged;

    public Rejections(Events events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /** Reports {@code d}, refused for {@code r}; the caller acknowledges it. */
    void report(Frame.Deliver d, Refused r) {
        EnvelopeRejection rejection =
                new EnvelopeRejection(
                        r.reason,
                        d.sender(),
                        d.senderDevice(),
                        d.clientMsgId(),
                        Instant.ofEpochMilli(clock.millis()));
        String what =
                switch (r.reason) {
                    case HEADER_MISMATCH ->
                            "rejected an envelope from "
                                    + d.sender()
                                    + " whose relay header disagrees with its encrypted header: ";
                    case REPLAYED -> "rejected a replayed envelope from " + d.sender() + ": ";
                    case NOT_A_MEMBER -> "rejected a group message from " + d.sender() + ": ";
                    case MALFORMED_CONTENT ->
                            "rejected a malformed message from " + d.sender() + ": ";
                    case UNDECRYPTABLE -> "could not read a message from " + d.sender() + ": ";
                };
        ChatException error =
                new ChatException(
                        ChatException.Reason.CRYPTO_FAILURE,
                        what + r.getCause().getMessage(),
                        r.getCause());
        log(error.getMessage());
        events.post(
                l -> {
                    l.onEnvelopeRejected(rejection);
                    l.onError(error);
                });
    }

    private void log(String message) {
        long now = clock.millis();
        if (now - lastLogged >= LOG_INTERVAL_MS) {
            String more =
                    unlogged == 0 ? "" : " (and " + unlogged + " more rejections since the last)";
            lastLogged = now;
            unlogged = 0;
            LOG.log(Log.Level.WARNING, message + more);
        } else {
            unlogged++;
            LOG.log(Log.Level.DEBUG, message);
        }
    }
}
