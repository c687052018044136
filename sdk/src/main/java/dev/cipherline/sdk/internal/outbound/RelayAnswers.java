package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.transport.Backoff;
import java.time.Clock;
import java.util.Collection;

/**
 * The one handler of what became of a send of an outbox entry: the relay's answer ({@code
 * accepted}, {@code mismatched-devices}, an error with or without a retry time) or no answer at
 * all, for 1:1 and group entries alike, whether the entry was sent alone or in a pipelined batch.
 */
final class RelayAnswers {
    private static final Log LOG = Log.get(RelayAnswers.class.getName());

    /** What the sender does next with an entry after its answer was handled. */
    enum Next {
        /** Nothing: the entry left the outbox, or waits for its retry time. */
        DONE,
        /** Another round: the device list was fixed, encrypt and send again now. */
        AGAIN
    }

    private final Database db;
    private final OutboxStore outbox;
    private final SessionFetcher fetcher;
    private final Completion completion;
    private final Backoff backoff;
    private final Clock clock;
    private final Relay relay;

    RelayAnswers(
            Database db,
            OutboxStore outbox,
            SessionFetcher fetcher,
            Completion completion,
            Backoff backoff,
            Clock clock,
            Relay relay) {
        this.relay = relay;
        this.db = db;
        this.outbox = outbox;
        this.fetcher = fetcher;
        this.completion = completion;
        this.backoff = backoff;
        this.clock = clock;
    }

    /**
     * Handles the relay's answer to a send of {@code e} addressed to the accounts {@code
     * addressed}; a mismatch naming any other account is ignored.
     *
     * @throws SendFailure if the relay refused the entry for good
     * @throws ChatException if fixing the device list needed the relay and it did not answer
     */
    Next handle(OutboxStore.Entry e, Frame answer, Collection<String> addressed) {
        if (answer instanceof Frame.Accepted) {
            completion.sent(e);
            return Next.DONE;
        }
        if (answer instanceof Frame.MismatchedDevices m) {
            for (String account : addressed) {
                fetcher.fix(account, m);
            }
            return Next.AGAIN;
        }
        if (answer instanceof Frame.ErrorFrame err) {
            if (isPermanent(err.code())) {
                throw new SendFailure("the relay refused the message: " + err.message());
            }
            if (err.retryAfterMs() != null) {
                outbox.postpone(e.id(), clock.millis() + err.retryAfterMs(), err.message());
            }
            return Next.DONE;
        }
        LOG.log(Log.Level.WARNING, "unexpected answer to send: {0}", answer);
        return Next.DONE;
    }

    /** Ends a group entry that has no device left to go to, as if it had been accepted. */
    void nobodyToSendTo(OutboxStore.Entry e) {
        completion.sent(e);
    }

    /**
     * Handles a send of {@code e} that ended without a usable answer: a permanent failure fails the
     * entry; a lost or failing connection backs it off, unless {@code attemptRecorded} (the
     * attempt's own retry time stands), and a closing client leaves it due.
     *
     * @throws RuntimeException {@code failure} itself if it is neither
     */
    void failed(OutboxStore.Entry e, RuntimeException failure, boolean attemptRecorded) {
        if (failure instanceof SendFailure f) {
            completion.failed(e, f.getMessage());
            if (attemptRecorded) {
                abandon(e);
            }
            return;
        }
        if (!(failure instanceof ChatException ce)) {
            throw failure;
        }
        if (ce.reason() == ChatException.Reason.CLOSED) {
            return;
        }
        LOG.log(Log.Level.DEBUG, "send attempt failed: {0}", ce.getMessage());
        if (!attemptRecorded) {
            reschedule(e, ce.getMessage());
        }
    }

    /**
     * Tells the relay that this connection gives up the refused send of {@code e} (a {@code
     * mismatched-devices} answer, say), which holds the connection's later sends to the same
     * accounts behind it: {@code e} fails, or comes again later as a new send (a group message put
     * back behind sender keys). The answer is not waited for: a lost one leaves the hold until the
     * connection closes, as before.
     */
    void abandon(OutboxStore.Entry e) {
        String requestId = Relay.newRequestId();
        try {
            relay.request(new Frame.Abandon(requestId, e.clientMsgId()), "req:" + requestId);
        } catch (RuntimeException ex) {
            LOG.log(Log.Level.DEBUG, "could not abandon a failed send: {0}", ex.getMessage());
        }
    }

    /** Whether an error answer is final: no retry can change it. */
    static boolean isPermanent(ErrorCode code) {
        return !code.retryable() && code != ErrorCode.AUTH_REQUIRED;
    }

    private void reschedule(OutboxStore.Entry e, String reason) {
        try {
            db.transaction(
                    c -> {
                        long delay = backoff.delay(e.attempts()).toMillis();
                        outbox.recordAttempt(c, e.id(), clock.millis() + delay, reason);
                        return null;
                    });
        } catch (ChatException ignored) {
            // closed or failing store: the entry stays due and is retried
        }
    }
}
