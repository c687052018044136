package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.EnvelopeRejection;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns {@code deliver} frames into stored messages, on the inbound thread, one at a time in relay
 * order. For each envelope: drop duplicates before decrypting; decrypt; check the inner header
 * against the outer one; commit the message together with the session state it advanced and the
 * delivery receipt it is owed; hand it to the app through the events thread; and only then
 * acknowledge it. A refused envelope is acknowledged too (so a hostile relay cannot wedge the
 * queue) and nothing of it is stored.
 *
 * <p>A receipt moves outgoing messages forward in the same transaction as its session step and is
 * never stored nor answered with a receipt; a redelivered one changes nothing. Ephemeral envelopes
 * (typing) are opened, reported and forgotten. At the end of each burst of frames the owed receipts
 * are batched into the outbox and the acks go out.
 */
final class Receiver {
    private static final System.Logger LOG = System.getLogger(Receiver.class.getName());
    private static final long PRUNE_INTERVAL_MS = 3_600_000;
    private static final long REJECTION_LOG_INTERVAL_MS = 60_000;

    /** At most this many envelopes share one transaction. */
    static final int MAX_BATCH = 64;

    /** Where acknowledgements go: the seqs of envelopes that are safely handled. */
    interface Acker {
        void ack(List<Long> seqs);
    }

    private final Database db;
    private final MessageStore messages;
    private final SessionCrypto sessions;
    private final String ownAccount;
    private final int ownDevice;
    private final Clock clock;
    private final Events events;
    private final boolean appListening;
    private final Receipts receipts;
    private final Acker acker;
    private final Consumer<Runnable> inbound;
    private final Groups groups;
    private final GroupReadStore readStates;
    private final GroupCrypto groupCrypto;
    private final Runnable wake;
    private final List<Long> pendingAcks = new ArrayList<>();

    /** Rows handed to the app and not yet marked; touched on the events thread only. */
    private final List<Long> handedOver = new ArrayList<>();

    private final java.util.ArrayDeque<Frame.Deliver> waiting = new java.util.ArrayDeque<>();
    private boolean drainScheduled;
    private long lastPrune = Long.MIN_VALUE / 2;
    private long lastRejectionLog = Long.MIN_VALUE / 2;
    private long unloggedRejections;
    private boolean flushScheduled;
    private boolean receiptsOwed;

    Receiver(
            Database db,
            MessageStore messages,
            SessionCrypto sessions,
            String ownAccount,
            int ownDevice,
            Clock clock,
            Events events,
            boolean appListening,
            Receipts receipts,
            Acker acker,
            Consumer<Runnable> inbound,
            Groups groups,
            GroupCrypto groupCrypto,
            Runnable wake) {
        this.db = db;
        this.messages = messages;
        this.sessions = sessions;
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
        this.clock = clock;
        this.events = events;
        this.appListening = appListening;
        this.receipts = receipts;
        this.acker = acker;
        this.inbound = inbound;
        this.groups = groups;
        this.readStates = new GroupReadStore(db);
        this.groupCrypto = groupCrypto;
        this.wake = wake;
    }

    /** Hands stored messages the app has not seen (from an earlier run) to the listener. */
    void replayUndelivered() {
        pruneSeen();
        if (!appListening) {
            return;
        }
        for (MessageStore.IncomingRow row : messages.undeliveredIncoming()) {
            handOver(row.rowId(), row.message());
        }
        markHandedOver();
    }

    /**
     * Takes one delivered envelope. Called on the inbound thread; the envelopes that arrive
     * together are handled by {@link #drain} in one transaction (group commit), and acknowledged
     * only after it committed.
     */
    void deliver(Frame.Deliver d) {
        if (d.kind() == Kind.EPHEMERAL) {
            drain();
            deliverEphemeral(d);
            return;
        }
        waiting.add(d);
        if (!drainScheduled) {
            drainScheduled = true;
            // runs after the frames already queued on the inbound thread: they join the batch
            inbound.accept(this::drain);
        }
    }

    /**
     * Handles every waiting envelope now, in order: up to {@link #MAX_BATCH} per transaction. If
     * any of a batch is refused or the store fails, the batch is rolled back whole and its
     * envelopes are handled again one transaction each, so a refusal affects only its own envelope.
     * Called on the inbound thread, also before any other frame is handled.
     */
    void drain() {
        drainScheduled = false;
        while (!waiting.isEmpty()) {
            List<Frame.Deliver> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(waiting.poll());
            }
            if (batch.size() == 1) {
                deliverOne(batch.get(0));
                continue;
            }
            List<Outcome> outcomes;
            try {
                outcomes =
                        db.transaction(
                                c -> {
                                    List<Outcome> out = new ArrayList<>(batch.size());
                                    for (Frame.Deliver d : batch) {
                                        out.add(
                                                messages.incomingExists(
                                                                d.sender(),
                                                                d.senderDevice(),
                                                                d.clientMsgId())
                                                        ? null
                                                        : store(c, d));
                                    }
                                    return out;
                                });
            } catch (RuntimeException e) {
                for (Frame.Deliver d : batch) {
                    deliverOne(d);
                }
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                if (outcomes.get(i) == null) {
                    ack(batch.get(i).seq()); // a duplicate
                } else {
                    handled(batch.get(i), outcomes.get(i));
                }
            }
        }
        markHandedOver();
    }

    /** Handles one envelope in its own transaction. */
    private void deliverOne(Frame.Deliver d) {
        if (messages.incomingExists(d.sender(), d.senderDevice(), d.clientMsgId())) {
            ack(d.seq());
            return;
        }
        Outcome outcome;
        try {
            outcome = db.transaction(c -> store(c, d));
        } catch (Refused r) {
            reject(d, r);
            ack(d.seq());
            return;
        } catch (ChatException e) {
            // a store failure: do not acknowledge, the relay delivers it again later
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot store an incoming message: {0}",
                    e.getMessage());
            events.post(l -> l.onError(e));
            return;
        }
        handled(d, outcome);
    }

    /** Opens and stores one envelope inside the caller's transaction. */
    private Outcome store(java.sql.Connection c, Frame.Deliver d) throws java.sql.SQLException {
        Outcome o = open(c, d);
        if (o.rowId == 0) {
            // no message row dedups it: remember the envelope itself
            messages.markSeen(c, d.sender(), d.senderDevice(), d.clientMsgId(), d.expiresAt());
        }
        return o;
    }

    /** What follows the commit of an envelope: events, then its acknowledgement. */
    private void handled(Frame.Deliver d, Outcome outcome) {
        if (outcome.gap > 0) {
            IncomingMessage m = outcome.message;
            events.post(l -> l.onGroupGap(m.group(), m.from(), m.fromDevice(), outcome.gap));
        }
        if (outcome.message != null) {
            receiptsOwed = true;
            handOver(outcome.rowId, outcome.message);
        }
        if (outcome.group != null) {
            events.post(l -> l.onGroupChanged(outcome.group));
            wake.run();
        }
        for (MessageId id : outcome.groupReads) {
            readStates.state(id).ifPresent(s -> events.post(l -> l.onGroupReadState(id, s)));
        }
        for (MessageId id : outcome.changed) {
            events.post(l -> l.onMessageState(id, outcome.state));
        }
        ack(d.seq());
    }

    /**
     * What one envelope did: stored a message (and owes its delivery receipt), or moved outgoing
     * messages to a new state (a receipt), or nothing.
     */
    private record Outcome(
            long rowId,
            IncomingMessage message,
            List<MessageId> changed,
            MessageState state,
            long gap,
            Group group,
            List<MessageId> groupReads) {
        static final Outcome NOTHING = new Outcome(0, null, List.of(), null, 0, null, List.of());

        Outcome(long rowId, IncomingMessage message, List<MessageId> changed, MessageState state) {
            this(rowId, message, changed, state, 0, null, List.of());
        }

        static Outcome group(Group group) {
            return new Outcome(0, null, List.of(), null, 0, group, List.of());
        }
    }

    private Outcome open(java.sql.Connection c, Frame.Deliver d) throws java.sql.SQLException {
        try {
            if (GroupCrypto.isGroupCiphertext(d.ciphertext())) {
                return openGroup(c, d);
            }
            SealedPayload.Opened opened = decrypt(d);
            if (opened == null) {
                return Outcome.NOTHING;
            }
            Content content = Content.decode(opened.body());
            if (content instanceof Content.GroupUpdate update) {
                return Outcome.group(groups.onUpdate(c, d.sender(), update));
            }
            if (content instanceof Content.GroupLeave leave) {
                return Outcome.group(groups.onLeave(c, d.sender(), leave));
            }
            if (content instanceof Content.SenderKey key) {
                try {
                    groups.onSenderKey(c, d.sender(), d.senderDevice(), key);
                } catch (CryptoException e) {
                    throw new Refused(EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
                }
                return Outcome.NOTHING;
            }
            if (content instanceof Content.Text text) {
                IncomingMessage message =
                        new IncomingMessage(
                                new MessageId(d.clientMsgId()),
                                new AccountId(d.sender()),
                                d.senderDevice(),
                                text.text(),
                                Instant.ofEpochMilli(opened.header().sentAt()),
                                Instant.ofEpochMilli(clock.millis()));
                long row = messages.insertIncoming(c, message);
                receipts.owe(c, d.sender(), Content.ReceiptType.DELIVERED, d.clientMsgId());
                return new Outcome(row, message, List.of(), null);
            }
            if (content instanceof Content.Receipt receipt) {
                // a receipt acknowledges messages; it is never stored and never acknowledged back
                MessageState state =
                        receipt.type() == Content.ReceiptType.READ
                                ? MessageState.READ
                                : MessageState.DELIVERED;
                List<MessageId> changed =
                        messages.applyReceipt(
                                c, d.sender(), ownDevice, receipt.clientMsgIds(), state);
                // the same receipt may acknowledge this account's group messages
                List<MessageId> groupReads =
                        GroupReadStore.apply(c, d.sender(), receipt.clientMsgIds(), state);
                return new Outcome(0, null, changed, state, 0, null, groupReads);
            }
            LOG.log(System.Logger.Level.DEBUG, "ignoring content of type {0}", content);
            return Outcome.NOTHING;
        } catch (Content.MalformedContentException e) {
            throw new Refused(EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
        }
    }

    /**
     * Opens a group message: decrypts it with the sender's sender key, checks that the key was
     * distributed for the group the inner header names (and that the sender was not removed from
     * it), then stores it with the gap in the sender's sequence, if any, and owes the sender a
     * delivery receipt (1:1), from which it keeps "delivered to N of M".
     */
    private Outcome openGroup(java.sql.Connection c, Frame.Deliver d)
            throws java.sql.SQLException, Content.MalformedContentException {
        GroupCrypto.Decrypted decrypted;
        try {
            decrypted = groupCrypto.decrypt(d.sender(), d.senderDevice(), d.ciphertext());
        } catch (CryptoException e) {
            throw Refused.undecryptable(e);
        }
        String groupId =
                groups.groupOfKey(c, d.sender(), d.senderDevice(), decrypted.distributionId());
        if (groupId == null) {
            throw new Refused(
                    EnvelopeRejection.Reason.NOT_A_MEMBER,
                    new GroupRefusal(
                            "its sender key belongs to no group of this account, or the sender was"
                                    + " removed from the group"));
        }
        SealedPayload.Opened opened = openPayload(decrypted.plaintext());
        SealedPayload.Header h = opened.header();
        try {
            SealedPayload.checkGroupBinding(
                    h,
                    d.sender(),
                    d.senderDevice(),
                    Sealer.groupMarker(groupId),
                    d.clientMsgId(),
                    kindCode(d.kind()),
                    d.expiresAt());
        } catch (CryptoException e) {
            throw new Refused(EnvelopeRejection.Reason.HEADER_MISMATCH, e);
        }
        if (h.expiresAt() <= clock.millis() || groups.isInactive(c, groupId)) {
            return Outcome.NOTHING;
        }
        if (!(Content.decode(opened.body()) instanceof Content.GroupText text)) {
            return Outcome.NOTHING;
        }
        long gap = groups.gap(c, groupId, d.sender(), d.senderDevice(), text.seq());
        IncomingMessage message =
                new IncomingMessage(
                        new MessageId(d.clientMsgId()),
                        new AccountId(d.sender()),
                        d.senderDevice(),
                        text.text(),
                        Instant.ofEpochMilli(h.sentAt()),
                        Instant.ofEpochMilli(clock.millis()),
                        new GroupId(groupId));
        long row = messages.insertIncoming(c, message);
        GroupReadStore.touchIncoming(c, groupId);
        // the sender keeps who has its group message: it is owed a delivery receipt, 1:1
        receipts.owe(c, d.sender(), Content.ReceiptType.DELIVERED, d.clientMsgId());
        return new Outcome(row, message, List.of(), null, gap, null, List.of());
    }

    /** Why a group message was refused after it decrypted. */
    private static final class GroupRefusal extends Exception {
        GroupRefusal(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Opens an ephemeral envelope (a typing indicator). Its session step is committed like any
     * other, since the sender's ratchet advanced too, but nothing of its content is stored and it
     * is never acknowledged: the relay did not store it (seq 0).
     */
    private void deliverEphemeral(Frame.Deliver d) {
        Content content;
        try {
            content =
                    db.transaction(
                            c -> {
                                try {
                                    SealedPayload.Opened opened = decrypt(d);
                                    return opened == null ? null : Content.decode(opened.body());
                                } catch (Content.MalformedContentException e) {
                                    throw new Refused(
                                            EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
                                }
                            });
        } catch (Refused r) {
            reject(d, r);
            return;
        } catch (ChatException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot open an ephemeral envelope: {0}", e);
            return;
        }
        if (content instanceof Content.Typing typing) {
            AccountId from = new AccountId(d.sender());
            events.post(l -> l.onTyping(from, typing.typing()));
        } else if (content != null) {
            LOG.log(System.Logger.Level.DEBUG, "ignoring ephemeral content {0}", content);
        }
    }

    /**
     * Decrypts and checks the header binding; returns null for an expired envelope (whose session
     * step is still kept).
     */
    private SealedPayload.Opened decrypt(Frame.Deliver d) {
        byte[] plaintext;
        try {
            plaintext = sessions.decrypt(d.sender(), d.senderDevice(), d.ciphertext());
        } catch (CryptoException e) {
            throw Refused.undecryptable(e);
        }
        SealedPayload.Opened opened = openPayload(plaintext);
        SealedPayload.Header h = opened.header();
        try {
            SealedPayload.checkBinding(
                    h,
                    d.sender(),
                    d.senderDevice(),
                    ownAccount,
                    ownDevice,
                    d.clientMsgId(),
                    kindCode(d.kind()),
                    d.expiresAt());
        } catch (CryptoException e) {
            throw new Refused(EnvelopeRejection.Reason.HEADER_MISMATCH, e);
        }
        if (h.expiresAt() <= clock.millis()) {
            LOG.log(System.Logger.Level.DEBUG, "dropping an expired envelope {0}", d.clientMsgId());
            return null;
        }
        return opened;
    }

    private static SealedPayload.Opened openPayload(byte[] plaintext) {
        try {
            return SealedPayload.open(plaintext);
        } catch (CryptoException e) {
            // it decrypted, so the sender's session made it: a broken or foreign inner format
            throw new Refused(EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
        }
    }

    /**
     * Reports a refused envelope to the app ({@code onEnvelopeRejected} and {@code onError}); the
     * caller acknowledges it. The report names the relay's claims and the reason, never content.
     */
    private void reject(Frame.Deliver d, Refused r) {
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
        logRejection(error.getMessage());
        events.post(
                l -> {
                    l.onEnvelopeRejected(rejection);
                    l.onError(error);
                });
    }

    private void handOver(long rowId, IncomingMessage message) {
        if (!appListening) {
            // stored in the history; a later client with a listener is handed it
            return;
        }
        events.post(
                l -> {
                    l.onMessage(message);
                    handedOver.add(rowId); // not if the callback threw: handed over again
                });
    }

    /**
     * Marks every message handed over so far as seen by the app, in one transaction; posted after
     * each batch, so it runs on the events thread after the batch's {@code onMessage} calls.
     *
     * <p>The commit is synced, unlike the outbox's bookkeeping: a mark lost to a power failure
     * would hand the app a message a second time, and DESIGN rule 4 promises each message once.
     */
    private void markHandedOver() {
        if (!appListening) {
            return;
        }
        events.run(
                () -> {
                    if (handedOver.isEmpty()) {
                        return;
                    }
                    List<Long> rows = List.copyOf(handedOver);
                    handedOver.clear();
                    try {
                        db.transaction(
                                c -> {
                                    for (long row : rows) {
                                        messages.markDeliveredToApp(row);
                                    }
                                    return null;
                                });
                    } catch (ChatException e) {
                        // closed or failing store: the messages are handed over again next start
                        LOG.log(System.Logger.Level.DEBUG, "cannot mark messages as handed over");
                    }
                });
    }

    private void ack(long seq) {
        if (seq <= 0) {
            return;
        }
        pendingAcks.add(seq);
        if (!flushScheduled) {
            flushScheduled = true;
            // runs after the frames already queued on the inbound thread: acks go out in batches
            inbound.accept(this::flushAcks);
        }
    }

    private void flushAcks() {
        flushScheduled = false;
        if (clock.millis() - lastPrune > PRUNE_INTERVAL_MS) {
            pruneSeen();
        }
        if (receiptsOwed) {
            receiptsOwed = false;
            try {
                receipts.flush();
            } catch (ChatException e) {
                // the owed receipts stay in the store; the next batch or start sends them
                LOG.log(System.Logger.Level.DEBUG, "cannot queue receipts: {0}", e.getMessage());
            }
        }
        if (pendingAcks.isEmpty()) {
            return;
        }
        List<Long> seqs = List.copyOf(pendingAcks);
        pendingAcks.clear();
        acker.ack(seqs);
    }

    /**
     * Logs a rejection at WARNING, at most one line a minute plus a count of those not logged, so
     * that a hostile relay cannot flood the app's log (the listener hears of every one); the others
     * go to DEBUG.
     */
    private void logRejection(String message) {
        long now = clock.millis();
        if (now - lastRejectionLog >= REJECTION_LOG_INTERVAL_MS) {
            String more =
                    unloggedRejections == 0
                            ? ""
                            : " (and " + unloggedRejections + " more rejections since the last)";
            lastRejectionLog = now;
            unloggedRejections = 0;
            LOG.log(System.Logger.Level.WARNING, message + more);
        } else {
            unloggedRejections++;
            LOG.log(System.Logger.Level.DEBUG, message);
        }
    }

    private void pruneSeen() {
        lastPrune = clock.millis();
        try {
            messages.pruneSeen(lastPrune);
        } catch (ChatException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot prune seen envelopes: {0}", e.getMessage());
        }
    }

    static int kindCode(Kind kind) {
        return kind == Kind.EPHEMERAL ? SealedPayload.KIND_EPHEMERAL : SealedPayload.KIND_MESSAGE;
    }

    /** Carries a refusal out of a transaction, which rolls it back. */
    private static final class Refused extends RuntimeException {
        final EnvelopeRejection.Reason reason;

        Refused(EnvelopeRejection.Reason reason, Exception cause) {
            super(cause.getMessage(), cause, false, false);
            this.reason = reason;
        }

        /** A ciphertext that did not decrypt; a used ratchet step is a replay. */
        static Refused undecryptable(CryptoException e) {
            return new Refused(
                    e.reason() == CryptoException.Reason.DUPLICATE_MESSAGE
                            ? EnvelopeRejection.Reason.REPLAYED
                            : EnvelopeRejection.Reason.UNDECRYPTABLE,
                    e);
        }
    }
}
