package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.NoteKind;
import dev.cipherline.sdk.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading and pruning a 1:1 conversation's local history: pages before or after a message, search
 * by text, deleting a message or a whole conversation. Message text is encrypted in the file, so
 * search decrypts rows page by page and matches in memory; no index of the text is ever written.
 */
public final class HistoryStore {
    private static final String COLUMNS =
            "id, peer, client_msg_id, direction, text, sent_at, received_at, state, failure,"
                    + " direction = 1 AND sender_device <> (SELECT device_id FROM identity),"
                    + " note_kind, note_about, note_count";
    private static final int SEARCH_PAGE = 500;

    /** How long a deleted incoming message's ID is remembered so a redelivery stays dropped. */
    private static final long REMEMBER_DELETED_MS = 31L * 24 * 3600 * 1000;

    private final Database db;

    public HistoryStore(Database db) {
        this.db = db;
    }

    /** Up to {@code limit} messages older than {@code before} (or the newest), newest first. */
    public List<StoredMessage> before(String peer, int limit, MessageId before) {
        return db.sqlRead(
                c -> {
                    long row = Long.MAX_VALUE;
                    if (before != null) {
                        Long found = rowOf(c, peer, before);
                        if (found == null) {
                            return List.of();
                        }
                        row = found;
                    }
                    return select(
                            c,
                            "WHERE peer = ? AND id < ? AND group_id IS NULL ORDER BY id DESC"
                                    + " LIMIT ?",
                            peer,
                            row,
                            limit);
                });
    }

    /**
     * Up to {@code limit} messages of group {@code groupId} older than {@code before} (or the
     * newest), newest first. {@code peer} of each is its sender; {@code self} for this account's.
     */
    public List<StoredMessage> groupBefore(
            String groupId, String self, int limit, MessageId before) {
        return db.sqlRead(
                c -> {
                    long row = Long.MAX_VALUE;
                    if (before != null) {
                        Long found =
                                number(
                                        c,
                                        "SELECT MAX(id) FROM messages WHERE group_id = ? AND"
                                                + " client_msg_id = ?",
                                        groupId,
                                        before.value());
                        if (found == null || found == 0) {
                            return List.of();
                        }
                        row = found;
                    }
                    List<StoredMessage> out = new ArrayList<>();
                    for (Row r :
                            rows(
                                    c,
                                    self,
                                    "WHERE group_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                                    groupId,
                                    row,
                                    limit)) {
                        out.add(r.message());
                    }
                    return out;
                });
    }

    /** Up to {@code limit} messages newer than {@code after}, oldest first. */
    public List<StoredMessage> after(String peer, int limit, MessageId after) {
        return db.sqlRead(
                c -> {
                    Long row = rowOf(c, peer, after);
                    if (row == null) {
                        return List.of();
                    }
                    return select(
                            c,
                            "WHERE peer = ? AND id > ? AND group_id IS NULL ORDER BY id LIMIT ?",
                            peer,
                            row,
                            limit);
                });
    }

    /**
     * Up to {@code limit} messages whose text contains {@code query} (ignoring case), newest first,
     * with {@code peer} or with anyone when {@code peer} is null. Decrypts the history newest first
     * until {@code limit} matches are found.
     */
    public List<StoredMessage> search(String peer, String query, int limit) {
        String needle = query.toLowerCase(Locale.ROOT);
        List<StoredMessage> found = new ArrayList<>();
        long below = Long.MAX_VALUE;
        while (found.size() < limit) {
            long from = below;
            List<Row> page =
                    db.sqlRead(
                            c ->
                                    rows(
                                            c,
                                            null,
                                            peer == null
                                                    ? "WHERE id < ? AND group_id IS NULL ORDER BY"
                                                            + " id DESC LIMIT ?"
                                                    : "WHERE peer = ? AND id < ? AND group_id IS"
                                                            + " NULL ORDER BY id DESC LIMIT ?",
                                            peer == null
                                                    ? new Object[] {from, SEARCH_PAGE}
                                                    : new Object[] {peer, from, SEARCH_PAGE}));
            for (Row r : page) {
                if (found.size() < limit
                        && r.message().text().toLowerCase(Locale.ROOT).contains(needle)) {
                    found.add(r.message());
                }
                below = r.rowId();
            }
            if (page.size() < SEARCH_PAGE) {
                break;
            }
        }
        return found;
    }

    /**
     * Deletes one message of the conversation with {@code peer} from this device (its pending send
     * too, if it is still in the outbox). An incoming message's ID is remembered, so a redelivery
     * is not shown again; an unread one no longer counts as unread.
     *
     * @return whether there was such a message
     */
    public boolean deleteMessage(String peer, MessageId id, long now) {
        return db.sqlTransaction(
                c -> {
                    Long row = rowOf(c, peer, id);
                    if (row == null) {
                        return false;
                    }
                    execute(
                            c,
                            "UPDATE conversations SET unread_count = MAX(0, unread_count - 1)"
                                    + " WHERE peer = ? AND read_watermark < ? AND EXISTS (SELECT 1"
                                    + " FROM messages WHERE id = ? AND direction = ?)",
                            peer,
                            row,
                            row,
                            MessageStore.INCOMING);
                    deleteRows(c, "id = ?", row, now);
                    return true;
                });
    }

    /**
     * Deletes the whole conversation with {@code peer} from this device: its messages, their
     * pending sends and its unread state.
     *
     * @return how many messages were deleted
     */
    public int deleteConversation(String peer, long now) {
        return db.sqlTransaction(
                c -> {
                    int n = deleteRows(c, "peer = ? AND group_id IS NULL", peer, now);
                    execute(c, "DELETE FROM conversations WHERE peer = ?", peer);
                    return n;
                });
    }

    /** Deletes the message rows {@code where} selects, their outbox entries, and remembers IDs. */
    private static int deleteRows(Connection c, String where, Object arg, long now)
            throws SQLException {
        execute(
                c,
                "INSERT OR IGNORE INTO seen_envelopes (sender, sender_device, client_msg_id,"
                        + " expires_at) SELECT peer, sender_device, client_msg_id, ? FROM messages"
                        + " WHERE direction = ? AND "
                        + where,
                now + REMEMBER_DELETED_MS,
                MessageStore.INCOMING,
                arg);
        execute(
                c,
                "DELETE FROM outbox WHERE message_id IN (SELECT id FROM messages WHERE "
                        + where
                        + ")",
                arg);
        return execute(c, "DELETE FROM messages WHERE " + where, arg);
    }

    private static Long rowOf(Connection c, String peer, MessageId id) throws SQLException {
        Long row =
                number(
                        c,
                        "SELECT MAX(id) FROM messages WHERE peer = ? AND client_msg_id = ? AND"
                                + " group_id IS NULL",
                        peer,
                        id.value());
        return row == null || row == 0 ? null : row;
    }

    private List<StoredMessage> select(Connection c, String where, Object... args)
            throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        for (Row r : rows(c, null, where, args)) {
            out.add(r.message());
        }
        return out;
    }

    private record Row(long rowId, StoredMessage message) {}

    /** {@code self}: shown as the peer of this account's own group messages (else null). */
    private List<Row> rows(Connection c, String self, String where, Object... args)
            throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT " + COLUMNS + " FROM messages " + where)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String peer = rs.getString(2);
                    String clientMsgId = rs.getString(3);
                    int direction = rs.getInt(4);
                    long received = rs.getLong(7);
                    boolean hasReceived = !rs.wasNull();
                    String text =
                            db.keys()
                                    .unsealText(
                                            SealedColumns.MESSAGE_TEXT,
                                            SealedColumns.messageRow(peer, clientMsgId),
                                            rs.getBytes(5));
                    Note note =
                            direction == NoteStore.NOTE
                                    ? new Note(
                                            NoteKind.valueOf(rs.getString(11)),
                                            new AccountId(rs.getString(12)),
                                            rs.getLong(13),
                                            text)
                                    : null;
                    out.add(
                            new Row(
                                    rs.getLong(1),
                                    new StoredMessage(
                                            new MessageId(clientMsgId),
                                            new AccountId(
                                                    self != null
                                                                    && direction
                                                                            == MessageStore.OUTGOING
                                                            ? self
                                                            : peer),
                                            direction(direction),
                                            text,
                                            Instant.ofEpochMilli(rs.getLong(6)),
                                            hasReceived ? Instant.ofEpochMilli(received) : null,
                                            MessageState.valueOf(rs.getString(8)),
                                            rs.getString(9),
                                            rs.getBoolean(10),
                                            note)));
                }
            }
        }
        return out;
    }

    private static Direction direction(int column) {
        return switch (column) {
            case MessageStore.INCOMING -> Direction.INCOMING;
            case MessageStore.OUTGOING -> Direction.OUTGOING;
            default -> Direction.NOTE;
        };
    }
}
