package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Conversation;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One row per conversation: last activity, unread count and read watermark (the row of the newest
 * incoming message the app marked read). The row is updated in the same transaction as every
 * message insert, so listing conversations reads one row per peer and never scans the history.
 */
public final class ConversationStore {
    private final Database db;

    public ConversationStore(Database db) {
        this.db = db;
    }

    /** Records a new message with {@code peer}; an incoming one adds to the unread count. */
    static void touch(Connection c, String peer, long at, boolean incoming) throws SQLException {
        execute(
                c,
                "INSERT INTO conversations (peer, last_activity, unread_count, read_watermark)"
                        + " VALUES (?, ?, ?, 0) ON CONFLICT (peer) DO UPDATE SET last_activity ="
                        + " MAX(last_activity, excluded.last_activity), unread_count ="
                        + " unread_count + excluded.unread_count",
                peer,
                at,
                incoming ? 1 : 0);
    }

    /** Every conversation, most recent activity first. */
    public List<Conversation> list() {
        return db.sqlRead(
                c -> {
                    List<Conversation> out = new ArrayList<>();
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT v.peer, c.name, v.last_activity,"
                                                    + " v.unread_count, m.client_msg_id,"
                                                    + " t.seconds FROM conversations v LEFT JOIN"
                                                    + " contacts c ON c.account_id = v.peer LEFT"
                                                    + " JOIN messages m ON m.id = v.read_watermark"
                                                    + " LEFT JOIN disappearing_timers t ON"
                                                    + " t.conversation = v.peer ORDER BY"
                                                    + " v.last_activity DESC, v.peer");
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String readUpTo = rs.getString(5);
                            out.add(
                                    new Conversation(
                                            new AccountId(rs.getString(1)),
                                            rs.getString(2),
                                            Instant.ofEpochMilli(rs.getLong(3)),
                                            rs.getInt(4),
                                            readUpTo == null ? null : new MessageId(readUpTo),
                                            java.time.Duration.ofSeconds(rs.getLong(6))));
                        }
                    }
                    return out;
                });
    }

    /**
     * Marks every incoming message from {@code peer} up to the newest one read: their state becomes
     * READ, the watermark moves to the newest, and the unread count drops to 0. Reads only the rows
     * after the old watermark.
     *
     * @return the client message IDs newly marked read, oldest first (no duplicates)
     */
    public List<String> markRead(Tx tx, String peer) {
        return markRead(tx, peer, Long.MAX_VALUE);
    }

    /**
     * Marks the incoming messages from {@code peer} read up to and including the one with client
     * message ID {@code newestRead} (another device of this account read them), and sets the unread
     * count to the incoming messages after it. Nothing if this device does not hold that message or
     * already read past it.
     *
     * @return the client message IDs newly marked read, oldest first
     */
    public List<String> markReadUpTo(Tx tx, String peer, String newestRead) {
        Long row =
                tx.sql(
                        c ->
                                number(
                                        c,
                                        "SELECT MAX(id) FROM messages WHERE peer = ? AND direction = ?"
                                                + " AND client_msg_id = ? AND group_id IS NULL",
                                        peer,
                                        MessageStore.INCOMING,
                                        newestRead));
        return row == null ? List.of() : markRead(tx, peer, row);
    }

    private List<String> markRead(Tx tx, String peer, long upTo) {
        return tx.sql(
                c -> {
                    Long watermark =
                            number(
                                    c,
                                    "SELECT read_watermark FROM conversations WHERE peer = ?",
                                    peer);
                    if (watermark == null) {
                        return List.of();
                    }
                    Set<String> ids = new LinkedHashSet<>();
                    long newest = watermark;
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT id, client_msg_id FROM messages WHERE peer = ? AND id > ? AND"
                                            + " id <= ? AND direction = ? AND group_id IS NULL"
                                            + " ORDER BY id")) {
                        Sql.bind(ps, peer, watermark, upTo, MessageStore.INCOMING);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                newest = rs.getLong(1);
                                ids.add(rs.getString(2));
                            }
                        }
                    }
                    if (newest == watermark) {
                        return List.of();
                    }
                    execute(
                            c,
                            "UPDATE messages SET state = ? WHERE peer = ? AND id > ? AND id <= ? AND"
                                    + " direction = ? AND group_id IS NULL",
                            MessageState.READ.name(),
                            peer,
                            watermark,
                            newest,
                            MessageStore.INCOMING);
                    if (upTo == Long.MAX_VALUE) {
                        execute(
                                c,
                                "UPDATE conversations SET read_watermark = ?, unread_count = 0 WHERE"
                                        + " peer = ?",
                                newest,
                                peer);
                    } else {
                        execute(
                                c,
                                "UPDATE conversations SET read_watermark = ?, unread_count ="
                                        + " (SELECT COUNT(*) FROM messages WHERE peer = ? AND id > ?"
                                        + " AND direction = ? AND group_id IS NULL) WHERE peer = ?",
                                newest,
                                peer,
                                newest,
                                MessageStore.INCOMING,
                                peer);
                    }
                    return List.copyOf(ids);
                });
    }
}
