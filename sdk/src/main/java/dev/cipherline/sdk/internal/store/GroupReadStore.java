package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import dev.cipherline.sdk.GroupReadState;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.roaringbitmap.RoaringBitmap;

/**
 * Read state of group messages. As the sender: which members stored and read each of this account's
 * group messages, as Roaring bitmaps over a stable per-group member index, so "read by 37 of 120"
 * is one row. As a member: unread count and read watermark per group.
 */
public final class GroupReadStore {
    private final Database db;

    public GroupReadStore(Database db) {
        this.db = db;
    }

    /**
     * Starts tracking this account's group message {@code messageRow}, sent to {@code recipients}.
     */
    public static void track(Tx tx, long messageRow, String groupId, int recipients) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT OR REPLACE INTO group_read_state (message_id, group_id, recipients,"
                                        + " client_msg_id) VALUES (?, ?, ?, (SELECT client_msg_id FROM"
                                        + " messages WHERE id = ?))",
                                messageRow,
                                groupId,
                                recipients,
                                messageRow));
    }

    /**
     * Applies a receipt from {@code member} to this account's group messages among {@code
     * clientMsgIds} (a READ receipt counts as delivered too).
     *
     * @return the messages whose counts changed
     */
    public static List<MessageId> apply(
            Tx tx, String member, List<String> clientMsgIds, MessageState state) {
        return tx.sql(
                c -> {
                    List<MessageId> changed = new ArrayList<>();
                    for (String id : clientMsgIds) {
                        long row;
                        String groupId;
                        byte[] delivered;
                        byte[] read;
                        try (PreparedStatement ps =
                                c.prepareStatement(
                                        "SELECT r.message_id, r.group_id, r.delivered, r.read FROM"
                                                + " group_read_state r JOIN messages m ON m.id = r.message_id"
                                                + " WHERE r.client_msg_id = ? AND m.direction = ?")) {
                            Sql.bind(ps, id, MessageStore.OUTGOING);
                            try (ResultSet rs = ps.executeQuery()) {
                                if (!rs.next()) {
                                    continue;
                                }
                                row = rs.getLong(1);
                                groupId = rs.getString(2);
                                delivered = rs.getBytes(3);
                                read = rs.getBytes(4);
                            }
                        }
                        int index = memberIndex(c, groupId, member);
                        RoaringBitmap has = bitmap(delivered);
                        RoaringBitmap hasRead = bitmap(read);
                        boolean grew = has.checkedAdd(index);
                        if (state == MessageState.READ) {
                            grew |= hasRead.checkedAdd(index);
                        }
                        if (grew) {
                            execute(
                                    c,
                                    "UPDATE group_read_state SET delivered = ?, read = ? WHERE message_id = ?",
                                    bytes(has),
                                    bytes(hasRead),
                                    row);
                            changed.add(new MessageId(id));
                        }
                    }
                    return changed;
                });
    }

    /** The read state of this account's group message {@code id}, if it is one. */
    public Optional<GroupReadState> state(MessageId id) {
        return db.sqlRead(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT r.recipients, r.delivered, r.read FROM"
                                            + " group_read_state r JOIN messages m ON m.id ="
                                            + " r.message_id WHERE r.client_msg_id = ? AND"
                                            + " m.direction = ?")) {
                        Sql.bind(ps, id.value(), MessageStore.OUTGOING);
                        try (ResultSet rs = ps.executeQuery()) {
                            if (!rs.next()) {
                                return Optional.<GroupReadState>empty();
                            }
                            return Optional.of(
                                    new GroupReadState(
                                            bitmap(rs.getBytes(2)).getCardinality(),
                                            bitmap(rs.getBytes(3)).getCardinality(),
                                            rs.getInt(1)));
                        }
                    }
                });
    }

    /** Counts a newly stored incoming message of {@code groupId} as unread. */
    public static void touchIncoming(Tx tx, String groupId) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT INTO group_unread (group_id, unread_count, read_watermark) VALUES (?, 1, 0)"
                                        + " ON CONFLICT (group_id) DO UPDATE SET unread_count = unread_count + 1",
                                groupId));
    }

    /** The unread count of {@code groupId}. */
    public int unread(String groupId) {
        Long n =
                db.sqlRead(
                        c ->
                                number(
                                        c,
                                        "SELECT unread_count FROM group_unread WHERE group_id = ?",
                                        groupId));
        return n == null ? 0 : n.intValue();
    }

    /** A message to acknowledge as read: its sender and client message ID. */
    public record Unread(String sender, String clientMsgId) {}

    /**
     * Marks every incoming message of {@code groupId} read: state READ, watermark to the newest,
     * unread count 0. Reads only the rows after the old watermark.
     *
     * @return the messages newly read, oldest first, whose senders are owed a read receipt
     */
    public static List<Unread> markRead(Tx tx, String groupId) {
        return markRead(tx, groupId, Long.MAX_VALUE);
    }

    /**
     * Marks the incoming messages of {@code groupId} read up to and including the one with client
     * message ID {@code newestRead} (another device of this account read them), and sets the unread
     * count to the incoming messages after it. Nothing if this device does not hold that message or
     * already read past it.
     *
     * @return the messages newly read, oldest first
     */
    public static List<Unread> markReadUpTo(Tx tx, String groupId, String newestRead) {
        Long row =
                tx.sql(
                        c ->
                                number(
                                        c,
                                        "SELECT MAX(id) FROM messages WHERE group_id = ? AND"
                                                + " direction = ? AND client_msg_id = ?",
                                        groupId,
                                        MessageStore.INCOMING,
                                        newestRead));
        return row == null ? List.of() : markRead(tx, groupId, row);
    }

    private static List<Unread> markRead(Tx tx, String groupId, long upTo) {
        return tx.sql(
                c -> {
                    Long watermark =
                            number(
                                    c,
                                    "SELECT read_watermark FROM group_unread WHERE group_id = ?",
                                    groupId);
                    if (watermark == null) {
                        return List.of();
                    }
                    List<Unread> out = new ArrayList<>();
                    long newest = watermark;
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT id, peer, client_msg_id FROM messages WHERE group_id = ? AND id > ?"
                                            + " AND id <= ? AND direction = ? ORDER BY id")) {
                        Sql.bind(ps, groupId, watermark, upTo, MessageStore.INCOMING);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                newest = rs.getLong(1);
                                out.add(new Unread(rs.getString(2), rs.getString(3)));
                            }
                        }
                    }
                    if (newest == watermark) {
                        return List.of();
                    }
                    execute(
                            c,
                            "UPDATE messages SET state = ? WHERE group_id = ? AND id > ? AND id <= ? AND"
                                    + " direction = ?",
                            MessageState.READ.name(),
                            groupId,
                            watermark,
                            newest,
                            MessageStore.INCOMING);
                    if (upTo == Long.MAX_VALUE) {
                        execute(
                                c,
                                "UPDATE group_unread SET read_watermark = ?, unread_count = 0 WHERE"
                                        + " group_id = ?",
                                newest,
                                groupId);
                    } else {
                        execute(
                                c,
                                "UPDATE group_unread SET read_watermark = ?, unread_count = (SELECT"
                                        + " COUNT(*) FROM messages WHERE group_id = ? AND id > ? AND"
                                        + " direction = ?) WHERE group_id = ?",
                                newest,
                                groupId,
                                newest,
                                MessageStore.INCOMING,
                                groupId);
                    }
                    return out;
                });
    }

    /** The member's stable index in the group, assigned on first use. */
    private static int memberIndex(Connection c, String groupId, String member)
            throws SQLException {
        Long idx =
                number(
                        c,
                        "SELECT idx FROM group_member_index WHERE group_id = ? AND member = ?",
                        groupId,
                        member);
        if (idx != null) {
            return idx.intValue();
        }
        Long next =
                number(
                        c,
                        "SELECT COALESCE(MAX(idx) + 1, 0) FROM group_member_index WHERE group_id"
                                + " = ?",
                        groupId);
        execute(
                c,
                "INSERT INTO group_member_index (group_id, member, idx) VALUES (?, ?, ?)",
                groupId,
                member,
                next);
        return next.intValue();
    }

    private static RoaringBitmap bitmap(byte[] serialized) {
        RoaringBitmap bitmap = new RoaringBitmap();
        if (serialized != null) {
            try {
                bitmap.deserialize(ByteBuffer.wrap(serialized));
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalStateException("a stored read bitmap is damaged", e);
            }
        }
        return bitmap;
    }

    private static byte[] bytes(RoaringBitmap bitmap) {
        bitmap.runOptimize();
        ByteBuffer out = ByteBuffer.allocate(bitmap.serializedSizeInBytes());
        bitmap.serialize(out);
        return out.array();
    }
}
