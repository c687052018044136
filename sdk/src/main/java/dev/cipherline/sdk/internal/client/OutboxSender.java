package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.BundleVerifier;
import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.keys.WireKeys;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.SignalStore;
import dev.cipherline.sdk.internal.transport.Backoff;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.SessionRecord;

/**
 * Sends one outbox entry: makes sure there is a session with every device of the recipient
 * (fetching and verifying bundles), encrypts for each device, sends, and handles the answer.
 *
 * <p>Each attempt encrypts afresh, and the advanced session state is committed together with the
 * attempt's bookkeeping before the bytes leave the process. So a crash can never make the next
 * message reuse a message key the relay may already hold, and a retry after {@code
 * mismatched-devices} naturally covers the new device list. Re-encrypting a resend is safe: the
 * relay's idempotency on the client message ID stores it at most once, and the receiver drops
 * duplicates by client message ID before decrypting.
 *
 * <p>{@link OutboxBatchSender} encrypts several 1:1 entries in one transaction with {@link
 * #encryptForBatch}, sends them with {@link #request}, and hands an entry whose answer is not
 * {@code accepted} back here with {@link #resume}.
 */
final class OutboxSender {
    private static final System.Logger LOG = System.getLogger(OutboxSender.class.getName());
    private static final int MAX_ROUNDS = 4;

    /** What happens to an entry when it leaves the outbox. */
    interface Completion {
        void sent(OutboxStore.Entry entry);

        /** Several entries the relay accepted, in the order they were sent: one commit for all. */
        void sentTogether(List<OutboxStore.Entry> entries);

        void failed(OutboxStore.Entry entry, String reason);
    }

    /** The relay as the sender sees it ({@link Requests#call} over the connection). */
    @FunctionalInterface
    interface Relay {
        /**
         * Sends {@code frame} and waits for the frame answering {@code key}.
         *
         * @throws ChatException RELAY_UNREACHABLE, TIMEOUT or CLOSED if no answer came
         */
        Frame call(Frame frame, String key);
    }

    private final Database db;
    private final SignalStore store;
    private final SessionCrypto sessions;
    private final OutboxStore outbox;
    private final Relay relay;
    private final FrameCodec codec;
    private final Backoff backoff;
    private final Clock clock;
    private final Completion completion;
    private final Groups groups;
    private final GroupCrypto groupCrypto;
    private final String ownAccount;
    private final int ownDevice;

    OutboxSender(
            Database db,
            SignalStore store,
            SessionCrypto sessions,
            OutboxStore outbox,
            Relay relay,
            FrameCodec codec,
            Backoff backoff,
            Clock clock,
            Completion completion,
            Groups groups,
            GroupCrypto groupCrypto,
            String ownAccount,
            int ownDevice) {
        this.db = db;
        this.store = store;
        this.sessions = sessions;
        this.outbox = outbox;
        this.relay = relay;
        this.codec = codec;
        this.backoff = backoff;
        this.clock = clock;
        this.completion = completion;
        this.groups = groups;
        this.groupCrypto = groupCrypto;
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
    }

    /** Tries to send {@code e} once; on a transient failure the entry is rescheduled. */
    void attempt(OutboxStore.Entry e) {
        if (e.expiresAt() <= clock.millis()) {
            completion.failed(e, "the message expired before the relay accepted it");
            return;
        }
        if (Groups.isGroupMarker(e.recipient())) {
            attemptGroup(e);
            return;
        }
        sendRounds(e, null);
    }

    /**
     * Goes on with an entry after the relay answered its send (already recorded as an attempt) with
     * something else than {@code accepted}, just as {@link #attempt} does.
     */
    void resume(OutboxStore.Entry e, Frame answer) {
        sendRounds(e, answer);
    }

    /**
     * Encrypts, sends and handles the answer, for up to {@link #MAX_ROUNDS} rounds while the
     * recipient's device list changes. {@code answer}, if not null, is the answer to round 0, which
     * was sent already.
     */
    private void sendRounds(OutboxStore.Entry e, Frame answer) {
        boolean scheduled = answer != null;
        try {
            int round = 0;
            if (answer != null) {
                if (!goOn(e, answer)) {
                    return;
                }
                round = 1;
            }
            for (; round < MAX_ROUNDS; round++) {
                if (store.sessionDevices(e.recipient()).isEmpty()) {
                    fetchSessions(e.recipient(), null);
                }
                Frame.Send send = encrypt(e, round);
                scheduled = true;
                if (send == null) {
                    continue;
                }
                try {
                    codec.check(send);
                } catch (ProtocolException pe) {
                    throw new Permanent(pe.getMessage());
                }
                if (!goOn(e, request(e, send))) {
                    return;
                }
            }
            LOG.log(System.Logger.Level.DEBUG, "the device list of a recipient keeps changing");
        } catch (Permanent p) {
            completion.failed(e, p.getMessage());
        } catch (ChatException ce) {
            if (ce.reason() == ChatException.Reason.CLOSED) {
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "send attempt failed: {0}", ce.getMessage());
            if (!scheduled) {
                reschedule(e, ce.getMessage());
            }
        }
    }

    /**
     * Handles the relay's answer to a send of {@code e}; true if the entry goes into another round
     * (its device list was fixed).
     */
    private boolean goOn(OutboxStore.Entry e, Frame answer) {
        if (answer instanceof Frame.Accepted) {
            completion.sent(e);
            return false;
        }
        if (answer instanceof Frame.MismatchedDevices m) {
            fixDevices(e.recipient(), m);
            return true;
        }
        if (answer instanceof Frame.ErrorFrame err) {
            if (isPermanent(err.code())) {
                throw new Permanent("the relay refused the message: " + err.message());
            }
            if (err.retryAfterMs() != null) {
                outbox.postpone(e.id(), clock.millis() + err.retryAfterMs(), err.message());
            }
            return false;
        }
        LOG.log(System.Logger.Level.WARNING, "unexpected answer to send: {0}", answer);
        return false;
    }

    /**
     * Sends the encrypted {@code send} of {@code e} and waits for the relay's answer.
     *
     * @throws ChatException RELAY_UNREACHABLE, TIMEOUT or CLOSED if no answer came
     */
    Frame request(OutboxStore.Entry e, Frame.Send send) {
        return relay.call(send, "msg:" + e.clientMsgId());
    }

    /**
     * Whether {@code e} may share a batch with other entries: a 1:1 entry that has not expired, to
     * a recipient this device has sessions with. Anything else takes {@link #attempt}'s way.
     */
    boolean batchable(OutboxStore.Entry e, long now) {
        return !Groups.isGroupMarker(e.recipient())
                && e.expiresAt() > now
                && !store.sessionDevices(e.recipient()).isEmpty();
    }

    /**
     * Encrypts {@code e} for every device with a session and records the attempt, inside the
     * caller's transaction, as the first round of {@link #attempt} does. Returns null if it cannot
     * go in a batch (a broken session, a changed identity, a frame the protocol refuses): the
     * caller then rolls back and leaves it to {@link #attempt}.
     */
    Frame.Send encryptForBatch(Connection c, OutboxStore.Entry e) throws SQLException {
        try {
            Frame.Send send = encryptIn(c, e, 0);
            if (send != null) {
                codec.check(send);
            }
            return send;
        } catch (BrokenSession | Permanent | ProtocolException ex) {
            return null;
        }
    }

    /**
     * Sends a group message: encrypts it once with this device's sender key and sends one {@code
     * send} whose shared body goes to every device of every other member. It waits while a sender
     * key distribution (or any older entry) for a member is still in the outbox, so that every
     * member's queue at the relay holds the key before the message.
     */
    private void attemptGroup(OutboxStore.Entry e) {
        String groupId = Groups.groupIdOf(e.recipient());
        try {
            Optional<List<String>> members = groups.recipients(groupId);
            if (members.isEmpty()) {
                completion.failed(e, "this account is no longer a member of the group");
                return;
            }
            UUID key = groups.prepareKey(groupId);
            Long blocked = outbox.olderDueFor(e.id(), members.get());
            if (blocked != null) {
                long now = clock.millis();
                outbox.postpone(
                        e.id(), Math.max(blocked, now + 100), "waiting for sender key delivery");
                return;
            }
            for (int round = 0; round < MAX_ROUNDS; round++) {
                for (String member : members.get()) {
                    if (store.sessionDevices(member).isEmpty()) {
                        try {
                            fetchSessions(member, null);
                        } catch (Permanent p) {
                            LOG.log(
                                    System.Logger.Level.DEBUG,
                                    "leaving a group member out: {0}",
                                    p.getMessage());
                        }
                    }
                }
                Frame.Send send = encryptGroup(e, key, members.get(), round);
                if (send == null) {
                    completion.sent(e);
                    return;
                }
                try {
                    codec.check(send);
                } catch (ProtocolException pe) {
                    throw new Permanent(pe.getMessage());
                }
                Frame answer = request(e, send);
                if (answer instanceof Frame.Accepted) {
                    completion.sent(e);
                    return;
                }
                if (answer instanceof Frame.MismatchedDevices m) {
                    for (Frame.DeviceMismatch dm : m.mismatches()) {
                        fixDevices(dm.accountId(), m);
                    }
                    continue;
                }
                if (answer instanceof Frame.ErrorFrame err) {
                    if (isPermanent(err.code())) {
                        throw new Permanent("the relay refused the message: " + err.message());
                    }
                    if (err.retryAfterMs() != null) {
                        outbox.postpone(e.id(), clock.millis() + err.retryAfterMs(), err.message());
                    }
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "unexpected answer to send: {0}", answer);
                return;
            }
        } catch (Permanent p) {
            completion.failed(e, p.getMessage());
        } catch (ChatException ce) {
            if (ce.reason() == ChatException.Reason.CLOSED) {
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "group send failed: {0}", ce.getMessage());
            // the attempt may have failed before it was recorded: back off either way
            reschedule(e, ce.getMessage());
        }
    }

    /**
     * Encrypts the group message once and lists every member device with a session, recording the
     * attempt in the same transaction. Returns null if there is nobody to send to.
     */
    private Frame.Send encryptGroup(
            OutboxStore.Entry e, UUID key, List<String> members, int round) {
        return db.transaction(
                c -> {
                    List<Frame.Recipient> recipients = new ArrayList<>();
                    for (String member : members) {
                        for (int device : store.sessionDevices(member)) {
                            SessionRecord session =
                                    store.loadSession(new SignalProtocolAddress(member, device));
                            recipients.add(
                                    new Frame.Recipient(
                                            member,
                                            device,
                                            session.getRemoteRegistrationId(),
                                            null));
                        }
                    }
                    long delay = backoff.delay(e.attempts() + round).toMillis();
                    outbox.recordAttempt(c, e.id(), clock.millis() + delay, null);
                    if (recipients.isEmpty()) {
                        return null;
                    }
                    byte[] body;
                    try {
                        body = groupCrypto.encrypt(ownAccount, ownDevice, key, e.sealed());
                    } catch (CryptoException ce) {
                        throw new Permanent("cannot encrypt for the group: " + ce.getMessage());
                    }
                    return new Frame.Send(
                            e.clientMsgId(), Kind.MESSAGE, e.expiresAt(), body, recipients);
                });
    }

    /**
     * Encrypts for every device with a session and records the attempt, in one transaction. Returns
     * null if a session turned out unusable (it is deleted; the next round refetches).
     */
    private Frame.Send encrypt(OutboxStore.Entry e, int round) {
        try {
            return db.transaction(c -> encryptIn(c, e, round));
        } catch (BrokenSession b) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "dropping an unusable session with device {0}",
                    b.device);
            store.deleteSession(new SignalProtocolAddress(e.recipient(), b.device));
            return null;
        }
    }

    /** {@link #encrypt} inside the caller's transaction; null if there is no device to send to. */
    private Frame.Send encryptIn(Connection c, OutboxStore.Entry e, int round) throws SQLException {
        String recipient = e.recipient();
        List<Frame.Recipient> recipients = new ArrayList<>();
        for (int device : store.sessionDevices(recipient)) {
            byte[] ciphertext;
            try {
                ciphertext = sessions.encrypt(recipient, device, e.sealed());
            } catch (CryptoException ce) {
                if (ce.reason() == CryptoException.Reason.UNTRUSTED_IDENTITY) {
                    throw new Permanent(
                            "the identity key of " + recipient + " changed; refusing to send");
                }
                throw new BrokenSession(device);
            }
            SessionRecord session = store.loadSession(new SignalProtocolAddress(recipient, device));
            recipients.add(
                    new Frame.Recipient(
                            recipient, device, session.getRemoteRegistrationId(), ciphertext));
        }
        long delay = backoff.delay(e.attempts() + round).toMillis();
        outbox.recordAttempt(c, e.id(), clock.millis() + delay, null);
        return recipients.isEmpty()
                ? null
                : new Frame.Send(e.clientMsgId(), Kind.MESSAGE, e.expiresAt(), null, recipients);
    }

    /** Starts sessions from freshly fetched, verified bundles; {@code only} null means all. */
    private void fetchSessions(String recipient, Set<Integer> only) {
        String requestId = Requests.newRequestId();
        Frame answer = relay.call(new Frame.GetBundles(requestId, recipient), "req:" + requestId);
        if (answer instanceof Frame.ErrorFrame err) {
            if (err.code() == ErrorCode.NOT_FOUND || err.code() == ErrorCode.UNKNOWN_RECIPIENT) {
                throw new Permanent("the relay knows no account " + recipient);
            }
            if (isPermanent(err.code())) {
                throw new Permanent("the relay refused to hand out keys: " + err.message());
            }
            throw new ChatException(ChatException.Reason.RELAY_UNREACHABLE, err.message());
        }
        if (!(answer instanceof Frame.Bundles bundles)) {
            throw new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE, "unexpected answer to get-bundles");
        }
        if (!bundles.accountId().equals(recipient) || bundles.devices().isEmpty()) {
            throw new Permanent("the relay knows no account " + recipient);
        }
        for (Frame.PreKeyBundle bundle : bundles.devices()) {
            if (only != null && !only.contains(bundle.deviceId())) {
                continue;
            }
            try {
                PreKeyBundle verified =
                        BundleVerifier.verify(recipient, WireKeys.bundleKeys(bundle));
                db.transaction(
                        c -> {
                            try {
                                sessions.startSession(recipient, bundle.deviceId(), verified);
                            } catch (CryptoException ce) {
                                throw new Permanent(refusal(recipient, bundle, ce.getMessage()));
                            }
                            return null;
                        });
            } catch (CryptoException | IllegalArgumentException ex) {
                throw new Permanent(refusal(recipient, bundle, ex.getMessage()));
            }
        }
    }

    private static String refusal(String recipient, Frame.PreKeyBundle bundle, String why) {
        return "refused the key bundle the relay returned for "
                + recipient
                + " device "
                + bundle.deviceId()
                + ": "
                + why;
    }

    private void fixDevices(String recipient, Frame.MismatchedDevices m) {
        Set<Integer> refetch = new TreeSet<>();
        for (Frame.DeviceMismatch dm : m.mismatches()) {
            if (!dm.accountId().equals(recipient)) {
                continue;
            }
            for (int device : dm.extra()) {
                store.deleteSession(new SignalProtocolAddress(recipient, device));
            }
            for (int device : dm.stale()) {
                store.deleteSession(new SignalProtocolAddress(recipient, device));
                refetch.add(device);
            }
            refetch.addAll(dm.missing());
        }
        if (!refetch.isEmpty()) {
            fetchSessions(recipient, refetch);
        }
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

    static boolean isPermanent(ErrorCode code) {
        return !code.retryable() && code != ErrorCode.AUTH_REQUIRED;
    }

    /** A session that cannot encrypt; it is dropped and rebuilt from a fresh bundle. */
    private static final class BrokenSession extends RuntimeException {
        final int device;

        BrokenSession(int device) {
            super(null, null, false, false);
            this.device = device;
        }
    }

    /** A failure that no retry can fix: the message becomes FAILED. */
    private static final class Permanent extends RuntimeException {
        Permanent(String message) {
            super(message, null, false, false);
        }
    }
}
