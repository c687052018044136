package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.ExpiryNotice;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL for expiry notices ({@code expiry_notices}): {@code kind} 0 is a "sent" notice for the
 * sending device (one row per expired entry), {@code kind} 1 the summary for the recipient device
 * (one row per sender device, its {@code count} growing). Writes run on the writer thread inside
 * its transaction, so a sweep deletes expired entries and records their notices atomically.
 */
final class SqliteNotices {
    private static final int SENT = 0;
    private static final int SUMMARY = 1;

    private SqliteNotices() {}

    private record Key(long recipientRow, String sender, int senderDevice) {}

    private static final class Tally {
        int count;
        long first = Long.MAX_VALUE;
        long last;
    }

    /**
     * Records the notices of every entry that expires at {@code now}; call before deleting them.
     *
     * @return the devices that got notices
     */
    static Set<DeviceAddress> recordExpiring(Statements db, long now, int maxSent)
            throws SQLException {
        PreparedStatement select =
                db.get(
                        "SELECT q.device_id, r.account, r.device, q.sender, q.sender_device,"
                                + " q.client_msg_id, q.expires_at, s.id FROM queue q"
                                + " JOIN devices r ON r.id = q.device_id"
                                + " LEFT JOIN devices s ON s.account = q.sender"
                                + " AND s.device = q.sender_device"
                                + " WHERE q.expires_at <= ? ORDER BY q.id");
        select.setLong(1, now);
        Map<Key, Tally> summaries = new LinkedHashMap<>();
        Map<Long, Integer> sentRoom = new HashMap<>();
        Set<DeviceAddress> noticed = new LinkedHashSet<>();
        PreparedStatement insertSent =
                db.get(
                        "INSERT INTO expiry_notices (device_id, kind, peer, peer_device,"
                                + " client_msg_id, count, first_at, last_at)"
                                + " VALUES (?, 0, ?, ?, ?, 1, ?, ?)");
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long recipientRow = rs.getLong(1);
                String recipient = rs.getString(2);
                int recipientDevice = rs.getInt(3);
                String sender = rs.getString(4);
                int senderDevice = rs.getInt(5);
                String clientMsgId = rs.getString(6);
                long expiresAt = rs.getLong(7);
                long senderRow = rs.getLong(8);
                boolean senderExists = !rs.wasNull();

                Tally tally =
                        summaries.computeIfAbsent(
                                new Key(recipientRow, sender, senderDevice), k -> new Tally());
                tally.count++;
                tally.first = Math.min(tally.first, expiresAt);
                tally.last = Math.max(tally.last, expiresAt);
                noticed.add(new DeviceAddress(recipient, recipientDevice));

                if (!senderExists) {
                    continue; // the sending device was removed: nobody to tell
                }
                Integer room = sentRoom.get(senderRow);
                if (room == null) {
                    room = maxSent - sentCount(db, senderRow);
                }
                if (room <= 0) {
                    sentRoom.put(senderRow, 0);
                    continue; // past the cap: this expiry is not reported to the sender
                }
                insertSent.setLong(1, senderRow);
                insertSent.setString(2, recipient);
                insertSent.setInt(3, recipientDevice);
                insertSent.setString(4, clientMsgId);
                insertSent.setLong(5, expiresAt);
                insertSent.setLong(6, expiresAt);
                insertSent.executeUpdate();
                sentRoom.put(senderRow, room - 1);
                noticed.add(new DeviceAddress(sender, senderDevice));
            }
        }
        PreparedStatement upsert =
                db.get(
                        "INSERT INTO expiry_notices (device_id, kind, peer, peer_device,"
                                + " client_msg_id, count, first_at, last_at)"
                                + " VALUES (?, 1, ?, ?, NULL, ?, ?, ?)"
                                + " ON CONFLICT (device_id, peer, peer_device) WHERE kind = 1"
                                + " DO UPDATE SET count = min(count + excluded.count, 2147483647),"
                                + " first_at = min(first_at, excluded.first_at),"
                                + " last_at = max(last_at, excluded.last_at)");
        for (Map.Entry<Key, Tally> e : summaries.entrySet()) {
            upsert.setLong(1, e.getKey().recipientRow());
            upsert.setString(2, e.getKey().sender());
            upsert.setInt(3, e.getKey().senderDevice());
            upsert.setInt(4, e.getValue().count);
            upsert.setLong(5, e.getValue().first);
            upsert.setLong(6, e.getValue().last);
            upsert.executeUpdate();
        }
        return noticed;
    }

    private static int sentCount(Statements db, long deviceRow) throws SQLException {
        PreparedStatement s =
                db.get("SELECT count(*) FROM expiry_notices WHERE device_id = ? AND kind = 0");
        s.setLong(1, deviceRow);
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<ExpiryNotice> read(Statements db, DeviceAddress device, long afterId, int limit)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT n.id, n.kind, n.peer, n.peer_device, n.client_msg_id, n.count,"
                                + " n.first_at, n.last_at FROM devices d"
                                + " JOIN expiry_notices n ON n.device_id = d.id"
                                + " WHERE d.account = ? AND d.device = ? AND n.id > ?"
                                + " ORDER BY n.id LIMIT ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        s.setLong(3, afterId);
        s.setInt(4, limit);
        List<ExpiryNotice> notices = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                if (rs.getInt(2) == SENT) {
                    notices.add(
                            new ExpiryNotice.Sent(
                                    id,
                                    rs.getString(5),
                                    rs.getString(3),
                                    rs.getInt(4),
                                    rs.getLong(8)));
                } else if (rs.getInt(2) == SUMMARY) {
                    notices.add(
                            new ExpiryNotice.Summary(
                                    id,
                                    rs.getString(3),
                                    rs.getInt(4),
                                    rs.getInt(6),
                                    rs.getLong(7),
                                    rs.getLong(8)));
                }
            }
        }
        return notices;
    }

    static void ack(Statements db, long deviceRow, List<Frame.NoticeAck> acks) throws SQLException {
        PreparedStatement subtract =
                db.get(
                        "UPDATE expiry_notices SET count = count - ?"
                                + " WHERE id = ? AND device_id = ?");
        PreparedStatement delete =
                db.get("DELETE FROM expiry_notices WHERE id = ? AND device_id = ? AND count <= 0");
        for (Frame.NoticeAck ack : acks) {
            subtract.setInt(1, ack.count());
            subtract.setLong(2, ack.id());
            subtract.setLong(3, deviceRow);
            if (subtract.executeUpdate() == 1) {
                delete.setLong(1, ack.id());
                delete.setLong(2, deviceRow);
                delete.executeUpdate();
            }
        }
    }

    /** Deletes every notice of a device (re-registered or removed). */
    static void clear(Statements db, long deviceRow) throws SQLException {
        PreparedStatement s = db.get("DELETE FROM expiry_notices WHERE device_id = ?");
        s.setLong(1, deviceRow);
        s.executeUpdate();
    }
}
