package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The message history: incoming and outgoing messages, with delivery state. */
public final class MessageStore {
    static final int INCOMING = 0;
    static final int OUTGOING = 1;

    private final Database db;

    /** The file messages' attachments, in the same store. */
    public AttachmentStore attachments() {
        return new AttachmentStore(db);
    }

    public MessageStore(Database db) {
        this.db = db;
    }

    /** A stored incoming message and its row ID. */
    public record IncomingRow(long rowId, IncomingMessage message) {}

    /** Inserts an outgoing message in state PENDING and returns its row ID. */
    public long insertOutgoing(
            Tx tx, String peer, int ownDevice, String clientMsgId, String text, long sentAt) {
        return tx.sql(c -> insertOutgoing(c, peer, null, ownDevice, clientMsgId, text, sentAt));
    }

    /**
     * Inserts an outgoing group message in state PENDING and returns its row ID. Its peer is the
     * group's sealed recipient; it belongs to no 1:1 conversation.
     */
    public long insertOutgoingGroup(
            Tx tx,
            String groupId,
            String peer,
            int ownDevice,
            String clientMsgId,
            String text,
            long sentAt) {
        return tx.sql(c -> insertOutgoing(c, peer, groupId, ownDevice, clientMsgId, text, sentAt));
    }

    private long insertOutgoing(
            Connection c,
            String peer,
            String groupId,
            int ownDevice,
            String clientMsgId,
            String text,
            long sentAt)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO messages (peer, direction, sender_device, client_msg_id,"
                                + " text, sent_at, received_at, state, delivered_to_app, group_id)"
                                + " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 1, ?) RETURNING id")) {
            Sql.bind(
                    ps,
                    peer,
                    OUTGOING,
                    ownDevice,
                    clientMsgId,
                    db.keys()
                            .sealText(
                                    SealedColumns.MESSAGE_TEXT,
                                    SealedColumns.messageRow(peer, clientMsgId),
                                    text),
                    sentAt,
                    MessageState.PENDING.name(),
                    groupId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long row = rs.getLong(1);
                if (groupId == null) {
                    ConversationStore.touch(c, peer, sentAt, false);
                }
                return row;
            }
        }
    }

    /**
     * Stores a message another device of this account sent to {@code peer} (from its sent
     * transcript), or to the group {@code groupId} ({@code peer} is then the group's marker), as an
     * outgoing message of that device in state SENT.
     *
     * @return whether it was stored (false: it is stored already)
     */
    public boolean insertSent(
            Tx tx,
            String peer,
            String groupId,
            int senderDevice,
            String clientMsgId,
            String text,
            long sentAt) {
        return tx.sql(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT OR IGNORE INTO messages (peer, direction, sender_device,"
                                            + " client_msg_id, text, sent_at, received_at, state,"
                                            + " delivered_to_app, group_id) VALUES (?, ?, ?, ?, ?,"
                                            + " ?, NULL, ?, 1, ?) RETURNING id")) {
                        Sql.bind(
                                ps,
                                peer,
                                OUTGOING,
                                senderDevice,
                                clientMsgId,
                                db.keys()
                                        .sealText(
                                                SealedColumns.MESSAGE_TEXT,
                                                SealedColumns.messageRow(peer, clientMsgId),
                                                text),
                                sentAt,
                                MessageState.SENT.name(),
                                groupId);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                return false;
                            }
                        }
                    }
                    if (groupId == null) {
                        ConversationStore.touch(c, peer, sentAt, false);
                    }
                    return true;
                });
    }

    /** Whether an incoming message with this sender, device and client message ID is stored. */
    public boolean incomingExists(String sender, int senderDevice, String clientMsgId) {
        // one statement for both places a handled envelope leaves its trace (once per envelope)
        return db.sqlRead(
                c ->
                        number(
                                        c,
                                        "SELECT EXISTS (SELECT 1 FROM messages WHERE peer = ? AND"
                                                + " direction = ? AND sender_device = ? AND"
                                                + " client_msg_id = ?) OR EXISTS (SELECT 1 FROM"
                                                + " seen_envelopes WHERE sender = ? AND"
                                                + " sender_device = ? AND client_msg_id = ?)",
                                        sender,
                                        INCOMING,
                                        senderDevice,
                                        clientMsgId,
                                        sender,
                                        senderDevice,
                                        clientMsgId)
                                == 1);
    }

    /**
     * Records an envelope that was opened but left no message row (a receipt, a group control
     * message, an expired or ignored one), in the transaction that consumed its ratchet step, so
     * that {@link #incomingExists} drops its redelivery until {@code expiresAt}.
     */
    public void markSeen(
            Tx tx, String sender, int senderDevice, String clientMsgId, long expiresAt) {
        tx.run(
                c ->
                        Sql.execute(
                                c,
                                "INSERT OR IGNORE INTO seen_envelopes (sender, sender_device, client_msg_id,"
                                        + " expires_at) VALUES (?, ?, ?, ?)",
                                sender,
                                senderDevice,
                                clientMsgId,
                                expiresAt));
    }

    /** Forgets seen envelopes that expired before {@code now}; returns how many. */
    public int pruneSeen(long now) {
        return db.sqlTransaction(
                c -> Sql.execute(c, "DELETE FROM seen_envelopes WHERE expires_at < ?", now));
    }

    /** Inserts an incoming message not yet handed to the app and returns its row ID. */
    public long insertIncoming(Tx tx, IncomingMessage m) {
        return tx.sql(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT INTO messages (peer, direction, sender_device, client_msg_id,"
                                            + " text, sent_at, received_at, state, delivered_to_app, group_id)"
                                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id")) {
                        Sql.bind(
                                ps,
                                m.from().value(),
                                INCOMING,
                                m.fromDevice(),
                                m.id().value(),
                                db.keys()
                                        .sealText(
                                                SealedColumns.MESSAGE_TEXT,
                                                SealedColumns.messageRow(
                                                        m.from().value(), m.id().value()),
                                                m.text()),
                                m.sentAt().toEpochMilli(),
                                m.receivedAt().toEpochMilli(),
                                MessageState.DELIVERED.name(),
                                m.group() == null ? null : m.group().value());
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            long row = rs.getLong(1);
                            if (m.group() == null) {
                                // group messages are not part of the 1:1 conversation with their
                                // sender
                                ConversationStore.touch(
                                        c, m.from().value(), m.receivedAt().toEpochMilli(), true);
                            }
                            return row;
                        }
                    }
                });
    }

    /** Records that the app's listener returned from {@code onMessage} for this row. */
    public void markDeliveredToApp(long rowId) {
        db.sqlTransaction(
                c -> execute(c, "UPDATE messages SET delivered_to_app = 1 WHERE id = ?", rowId));
    }

    /** Incoming messages stored but not yet handed to the app, oldest first. */
    public List<IncomingRow> undeliveredIncoming() {
        return db.sqlRead(
                c -> {
                    List<IncomingRow> out = new ArrayList<>();
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT id, client_msg_id, peer, sender_device, text,"
                                            + " sent_at, received_at, group_id FROM messages WHERE"
                                            + " delivered_to_app = 0 ORDER BY id")) {
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(
                                        new IncomingRow(
                                                rs.getLong(1),
                                                new IncomingMessage(
                                                        new MessageId(rs.getString(2)),
                                                        new AccountId(rs.getString(3)),
                                                        rs.getInt(4),
                                                        db.keys()
                                                                .unsealText(
                                                                        SealedColumns.MESSAGE_TEXT,
                                                                        SealedColumns.messageRow(
                                                                                rs.getString(3),
                                                                                rs.getString(2)),
                                                                        rs.getBytes(5)),
                                                        Instant.ofEpochMilli(rs.getLong(6)),
                                                        Instant.ofEpochMilli(rs.getLong(7)),
                                                        rs.getString(8) == null
                                                                ? null
                                                                : new GroupId(rs.getString(8)))));
                            }
                        }
                    }
                    return out;
                });
    }

    /**
     * Moves an outgoing message forward to {@code state}, with a failure reason for FAILED. States
     * never move backwards: a delivery receipt may be applied before the relay's {@code accepted}
     * is, and the later SENT must not undo it.
     *
     * @return whether the state changed
     */
    public boolean setState(Tx tx, long rowId, MessageState state, String failure) {
        return tx.sql(
                c -> {
                    String sql = FORWARD_TO.get(state);
                    // one statement: the states it may move from are in its WHERE clause
                    return sql != null && execute(c, sql, state.name(), failure, rowId) == 1;
                });
    }

    /** Per target state, the update that moves a message there from the states before it. */
    private static final java.util.Map<MessageState, String> FORWARD_TO = forwardUpdates();

    private static java.util.Map<MessageState, String> forwardUpdates() {
        java.util.Map<MessageState, String> out = new java.util.EnumMap<>(MessageState.class);
        for (MessageState to : MessageState.values()) {
            List<String> from = new ArrayList<>();
            for (MessageState f : MessageState.values()) {
                if (movesForward(f, to)) {
                    from.add("'" + f.name() + "'");
                }
            }
            if (!from.isEmpty()) {
                out.put(
                        to,
                        // leaving PENDING starts a disappearing message's timer (PROTOCOL.md,
                        // "Disappearing messages"); without one disappear_after is NULL
                        "UPDATE messages SET state = ?, failure = ?, disappear_at ="
                                + " COALESCE(disappear_at, sent_at + disappear_after * 1000)"
                                + " WHERE id = ? AND state IN ("
                                + String.join(", ", from)
                                + ")");
            }
        }
        return out;
    }

    /** Whether a message in state {@code from} may move to {@code to}. */
    static boolean movesForward(MessageState from, MessageState to) {
        if (from == MessageState.FAILED || to == MessageState.PENDING) {
            return false;
        }
        if (to == MessageState.FAILED) {
            return from == MessageState.PENDING;
        }
        return to.ordinal() > from.ordinal();
    }

    /**
     * Applies a receipt from {@code peer}: moves each outgoing message to {@code peer} named in
     * {@code clientMsgIds} forward to {@code state}, whichever device of this account sent it (a
     * message another device sent is in the history from its sent transcript; looked for only if
     * {@code ownDevices}, that is, this account has other devices). Unknown IDs and messages
     * already at or past {@code state} are left alone, so a duplicate receipt changes nothing.
     *
     * @return the IDs whose state changed, in receipt order
     */
    public List<MessageId> applyReceipt(
            Tx tx,
            String peer,
            int ownDevice,
            boolean ownDevices,
            List<String> clientMsgIds,
            MessageState state) {
        return tx.sql(
                c -> {
                    List<MessageId> changed = new ArrayList<>();
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT id FROM messages WHERE peer = ? AND direction ="
                                                    + " ? AND sender_device = ? AND client_msg_id ="
                                                    + " ?");
                            PreparedStatement other =
                                    c.prepareStatement(
                                            "SELECT id FROM messages WHERE peer = ? AND direction ="
                                                    + " ? AND client_msg_id = ?")) {
                        for (String id : clientMsgIds) {
                            Sql.bind(ps, peer, OUTGOING, ownDevice, id);
                            long row;
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) {
                                    row = rs.getLong(1);
                                } else if (!ownDevices) {
                                    continue;
                                } else {
                                    // sent by another device of this account, or not known here
                                    Sql.bind(other, peer, OUTGOING, id);
                                    try (ResultSet o = other.executeQuery()) {
                                        if (!o.next()) {
                                            continue;
                                        }
                                        row = o.getLong(1);
                                    }
                                }
                            }
                            if (setState(tx, row, state, null)) {
                                changed.add(new MessageId(id));
                            }
                        }
                    }
                    return changed;
                });
    }

    /**
     * Applies the relay's notice that the 1:1 message {@code clientMsgId}, which this device
     * ({@code ownDevice}) sent to {@code peer}, expired unread at one of the peer's devices: moves
     * it forward to {@link MessageState#EXPIRED}, which a message some device of the peer already
     * stored ({@code DELIVERED}, {@code READ}) never takes. Group messages, copies to this
     * account's own devices and unknown IDs are left alone.
     *
     * @return whether the state changed
     */
    public boolean applyExpiry(Tx tx, String peer, int ownDevice, String clientMsgId) {
        Long row =
                tx.sql(
                        c -> {
                            try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT id FROM messages WHERE peer = ? AND direction ="
                                                    + " ? AND sender_device = ? AND client_msg_id ="
                                                    + " ? AND group_id IS NULL")) {
                                Sql.bind(ps, peer, OUTGOING, ownDevice, clientMsgId);
                                try (ResultSet rs = ps.executeQuery()) {
                                    return rs.next() ? rs.getLong(1) : null;
                                }
                            }
                        });
        return row != null && setState(tx, row, MessageState.EXPIRED, null);
    }

    /** The state of a message row, or null if there is no such row. */
    public MessageState state(long rowId) {
        return db.sqlRead(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement("SELECT state FROM messages WHERE id = ?")) {
                        ps.setLong(1, rowId);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? MessageState.valueOf(rs.getString(1)) : null;
                        }
                    }
                });
    }

    /** A page of the history with {@code peer}, newest first, older than {@code before}. */
    public List<StoredMessage> history(String peer, int limit, MessageId before) {
        return new HistoryStore(db).before(peer, limit, before);
    }
}
