package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.Tx;
import dev.cipherline.sdk.internal.transport.Backoff;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Sends one outbox entry on its own, in rounds while the recipient's device list changes: makes
 * sure there are sessions, encrypts and records the attempt in one synced transaction, sends, and
 * hands the answer to {@link RelayAnswers}.
 *
 * <p>Each attempt encrypts afresh, and the advanced session state is committed together with the
 * attempt's bookkeeping before the bytes leave the process. So a crash can never make the next
 * message reuse a message key the relay may already hold, and a retry after {@code
 * mismatched-devices} naturally covers the new device list. Re-encrypting a resend is safe: the
 * relay's idempotency on the client message ID stores it at most once, and the receiver drops
 * duplicates by client message ID before decrypting.
 */
final class EntrySender {
    private static final Log LOG = Log.get(EntrySender.class.getName());
    private static final int MAX_ROUNDS = 4;

    private final Database db;
    private final OutboxStore outbox;
    private final Encryptor encryptor;
    private final SessionFetcher fetcher;
    private final RelayAnswers answers;
    private final Relay relay;
    private final FrameCodec codec;
    private final Backoff backoff;
    private final Clock clock;
    private final String ownAccount;
    private final Sealer sealer;

    EntrySender(
            Database db,
            OutboxStore outbox,
            Encryptor encryptor,
            SessionFetcher fetcher,
            RelayAnswers answers,
            Relay relay,
            FrameCodec codec,
            Backoff backoff,
            Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.encryptor = encryptor;
        this.fetcher = fetcher;
        this.answers = answers;
        this.relay = relay;
        this.codec = codec;
        this.backoff = backoff;
        this.clock = clock;
        this.ownAccount = encryptor.ownAccount();
        this.sealer = new Sealer(ownAccount, encryptor.ownDevice());
    }

    /** One round of encryption: the frame to send, or null (see {@link #rounds}). */
    @FunctionalInterface
    private interface Round {
        Frame.Send encrypt(int round);
    }

    /**
     * Sends a 1:1 entry (a message, a receipt, a group change) to its recipient's devices, and a
     * message of the history also to this account's other devices (as a sent transcript). An entry
     * to this account itself (a sync message) goes to its other devices, and is done at once when
     * there are none.
     */
    void pairwise(OutboxStore.Entry e) {
        if (e.recipient().equals(ownAccount)) {
            try {
                fetcher.ensure(ownAccount);
            } catch (RuntimeException ex) {
                answers.failed(e, ex, false);
                return;
            }
            if (!encryptor.hasSession(ownAccount)) {
                answers.nobodyToSendTo(e);
                return;
            }
        }
        rounds(e, addressed(e), null, false, round -> pairwiseRound(e, round));
    }

    /** The accounts a 1:1 entry's send names: its recipient, and this account for a copy. */
    private Set<String> addressed(OutboxStore.Entry e) {
        return e.recipient().equals(ownAccount)
                ? Set.of(ownAccount)
                : Set.of(e.recipient(), ownAccount);
    }

    /**
     * Whether {@code e} is copied to this account's other devices (if there are any): a message to
     * another account.
     */
    private boolean copiedToOwnDevices(OutboxStore.Entry e) {
        return e.isMessage()
                && !Sealer.isGroupMarker(e.recipient())
                && !e.recipient().equals(ownAccount);
    }

    /**
     * Goes on with a 1:1 entry after the relay answered its send (already recorded as an attempt)
     * with something else than {@code accepted}, just as {@link #pairwise} does.
     */
    void resume(OutboxStore.Entry e, Frame answer) {
        rounds(e, addressed(e), answer, false, round -> pairwiseRound(e, round));
    }

    /**
     * Before each round of a group message, once there are sessions with every member device known
     * (from the device lists, or from the relay's answer to the round before): hands this device's
     * sender key to member devices that have not been handed it (a device linked since) and gives
     * the key to encrypt with, or null if the message must wait behind those hand-overs (then it
     * has been put back in the outbox).
     */
    @FunctionalInterface
    interface KeysFirst {
        UUID keyOrPutBack();
    }

    /**
     * Sends a group message: encrypts it once with this device's sender key and sends one {@code
     * send} whose shared body goes to every device of every member with a session. Members whose
     * sessions cannot be started are left out. A member device this device just started a session
     * with (a member's newly linked device, found in its device list or named by the relay's answer
     * to an earlier round) may not hold this device's sender key: the message is then put back
     * behind the hand-over of that key ({@code keysFirst}), and given up at the relay ({@code
     * abandon}) if a round of it was refused, so that the new device can read it.
     */
    void group(OutboxStore.Entry e, List<String> members, KeysFirst keysFirst) {
        rounds(
                e,
                members,
                null,
                true,
                round -> {
                    ensureSessions(members);
                    UUID key = keysFirst.keyOrPutBack();
                    if (key == null) {
                        throw new PutBack();
                    }
                    return groupRound(e, members, key, round);
                });
    }

    /** Ends a group message's rounds: it was put back behind sender key hand-overs. */
    private static final class PutBack extends RuntimeException {
        PutBack() {
            super(null, null, false, false);
        }
    }

    /**
     * Encrypts {@code e} for every device of its recipient and records the attempt, inside the
     * caller's transaction, as the first round of {@link #pairwise} does; null if it cannot be sent
     * that way now (no session, a broken session, a changed identity, a frame the protocol
     * refuses): the caller then rolls back and leaves the entry to {@link #pairwise}.
     */
    Frame.Send firstRound(Tx c, OutboxStore.Entry e) {
        if (!fetcher.inStep(e.recipient())
                || copiedToOwnDevices(e)
                        && encryptor.hasSession(ownAccount)
                        && !fetcher.inStep(ownAccount)) {
            // the device list needs a request first: the entry goes alone, through ensure
            return null;
        }
        try {
            Frame.Send send = encryptAndRecord(c, e, 0);
            if (send != null) {
                codec.check(send);
            }
            return send;
        } catch (BrokenSession | SendFailure | ProtocolException ex) {
            return null;
        }
    }

    /**
     * Runs up to {@link #MAX_ROUNDS} rounds. {@code answer}, if not null, is the answer to round 0,
     * which was sent already. A round whose {@link Round} gives null is skipped, or, if {@code
     * emptyMeansSent}, ends the entry as sent (nobody is left to send to).
     */
    private void rounds(
            OutboxStore.Entry e,
            Collection<String> addressed,
            Frame answer,
            boolean emptyMeansSent,
            Round encrypt) {
        boolean recorded = answer != null;
        try {
            int round = 0;
            if (answer != null) {
                if (answers.handle(e, answer, addressed) == RelayAnswers.Next.DONE) {
                    return;
                }
                round = 1;
            }
            for (; round < MAX_ROUNDS; round++) {
                Frame.Send send = encrypt.encrypt(round);
                recorded = true;
                if (send == null) {
                    if (emptyMeansSent) {
                        answers.nobodyToSendTo(e);
                        return;
                    }
                    continue;
                }
                try {
                    codec.check(send);
                } catch (ProtocolException pe) {
                    throw new SendFailure(pe.getMessage());
                }
                Frame reply = relay.call(send, "msg:" + e.clientMsgId());
                if (answers.handle(e, reply, addressed) == RelayAnswers.Next.DONE) {
                    return;
                }
            }
            LOG.log(Log.Level.DEBUG, "the device list of a recipient keeps changing");
        } catch (PutBack putBack) {
            if (recorded) {
                // the relay holds this connection's sends to the members behind the refused one:
                // release them, so that the sender keys go first and this message follows
                answers.abandon(e);
            }
        } catch (RuntimeException ex) {
            answers.failed(e, ex, recorded);
        }
    }

    private Frame.Send pairwiseRound(OutboxStore.Entry e, int round) {
        fetcher.ensure(e.recipient());
        try {
            return db.transaction(c -> encryptAndRecord(c, e, round));
        } catch (BrokenSession b) {
            LOG.log(Log.Level.DEBUG, "dropping an unusable session with device {0}", b.device);
            fetcher.drop(b.account, b.device);
            return null;
        }
    }

    /** Starts sessions with the members' devices where there are none yet. */
    private void ensureSessions(List<String> members) {
        for (String member : members) {
            try {
                fetcher.ensure(member);
            } catch (SendFailure f) {
                LOG.log(Log.Level.DEBUG, "leaving a group member out: {0}", f.getMessage());
            }
        }
    }

    private Frame.Send groupRound(OutboxStore.Entry e, List<String> members, UUID key, int round) {
        return db.transaction(
                c -> {
                    record(c, e, round);
                    return encryptor.group(
                            members, key, e.clientMsgId(), e.expiresAt(), e.sealed());
                });
    }

    private Frame.Send encryptAndRecord(Tx c, OutboxStore.Entry e, int round) {
        Frame.Send send =
                encryptor.pairwise(
                        e.recipient(),
                        e.clientMsgId(),
                        Kind.MESSAGE,
                        e.expiresAt(),
                        e.sealed(),
                        Encryptor.OnBroken.THROW);
        if (send != null && copiedToOwnDevices(e) && encryptor.hasSession(ownAccount)) {
            send = encryptor.withOwnDevices(send, sealer.transcript(e.sealed()));
        }
        record(c, e, round);
        return send;
    }

    /** Records an attempt of {@code e} with the backoff of its round. */
    private void record(Tx c, OutboxStore.Entry e, int round) {
        long delay = backoff.delay(e.attempts() + round).toMillis();
        outbox.recordAttempt(c, e.id(), clock.millis() + delay, null);
    }
}
