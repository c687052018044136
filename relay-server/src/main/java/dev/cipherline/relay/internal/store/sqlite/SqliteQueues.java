package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.SweepResult;
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
import java.util.TreeSet;

/**
 * The SQL for queues and bodies. Writes run on the writer thread inside its transaction; the
 * per-device entry counts used for the quota are cached here and touched only on that thread.
 */
final class SqliteQueues {
    private final int quota;
    private final Map<Long, Integer> counts = new HashMap<>();

    SqliteQueues(int quota) {
        this.quota = quota;
    }

    /** Forgets the cached counts; called when a batch did not commit. */
    void forgetCounts() {
        counts.clear();
    }

    private record Target(DeviceAddress address, long rowId, Frame.Recipient recipient) {}

    SendOutcome store(Statements db, SendRequest send) throws SQLException {
        if (alreadyAccepted(db, send)) {
            return new SendOutcome.Duplicate();
        }
        Map<String, List<Frame.Recipient>> byAccount = new LinkedHashMap<>();
        for (Frame.Recipient r : send.recipients()) {
            byAccount.computeIfAbsent(r.accountId(), a -> new ArrayList<>()).add(r);
        }
        List<Target> targets = new ArrayList<>();
        List<Frame.DeviceMismatch> mismatches = new ArrayList<>();
        for (Map.Entry<String, List<Frame.Recipient>> account : byAccount.entrySet()) {
            Map<Integer, long[]> registered = devicesOf(db, account.getKey());
            if (registered.isEmpty()) {
                return new SendOutcome.UnknownRecipient(account.getKey());
            }
            Frame.DeviceMismatch mismatch =
                    compare(send.sender(), account.getKey(), account.getValue(), registered);
            if (mismatch != null) {
                mismatches.add(mismatch);
                continue;
            }
            for (Frame.Recipient r : account.getValue()) {
                targets.add(
                        new Target(
                                new DeviceAddress(r.accountId(), r.deviceId()),
                                registered.get(r.deviceId())[0],
                                r));
            }
        }
        if (!mismatches.isEmpty()) {
            return new SendOutcome.Mismatched(mismatches);
        }
        for (Target t : targets) {
            if (count(db, t.rowId()) >= quota) {
                return new SendOutcome.QuotaExceeded(t.address());
            }
        }
        long sharedBody = -1;
        Map<DeviceAddress, List<QueueEntry>> entries = new LinkedHashMap<>();
        for (Target t : targets) {
            byte[] ciphertext = t.recipient().ciphertext();
            long bodyId;
            if (ciphertext == null) {
                if (sharedBody < 0) {
                    sharedBody = insertBody(db, send.body(), send.expiresAt());
                }
                bodyId = sharedBody;
                ciphertext = send.body();
            } else {
                bodyId = insertBody(db, ciphertext, send.expiresAt());
            }
            long seq = nextSeq(db, t.rowId());
            insertEntry(db, t.rowId(), seq, bodyId, send);
            entries.computeIfAbsent(t.address(), a -> new ArrayList<>())
                    .add(
                            new QueueEntry(
                                    seq,
                                    send.sender().accountId(),
                                    send.sender().deviceId(),
                                    send.clientMsgId(),
                                    Kind.MESSAGE,
                                    send.serverTime(),
                                    send.expiresAt(),
                                    ciphertext));
        }
        recordAccepted(db, send);
        // last, so that a failure above (rolled back to the savepoint) leaves the cache right
        for (Target t : targets) {
            counts.merge(t.rowId(), 1, Integer::sum);
        }
        return new SendOutcome.Stored(entries);
    }

    /** Devices of an account: device ID to {row ID, registration ID}. */
    private static Map<Integer, long[]> devicesOf(Statements db, String accountId)
            throws SQLException {
        PreparedStatement s =
                db.get("SELECT device, id, registration_id FROM devices WHERE account = ?");
        s.setString(1, accountId);
        Map<Integer, long[]> devices = new HashMap<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                devices.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getInt(3)});
            }
        }
        return devices;
    }

    /** The mismatch of one account's addressed devices, or null if they are exactly right. */
    private static Frame.DeviceMismatch compare(
            DeviceAddress sender,
            String accountId,
            List<Frame.Recipient> addressed,
            Map<Integer, long[]> registered) {
        Set<Integer> seen = new LinkedHashSet<>();
        Set<Integer> extra = new TreeSet<>();
        Set<Integer> stale = new TreeSet<>();
        for (Frame.Recipient r : addressed) {
            seen.add(r.deviceId());
            long[] device = registered.get(r.deviceId());
            if (device == null) {
                extra.add(r.deviceId());
            } else if (device[1] != r.registrationId()) {
                stale.add(r.deviceId());
            }
        }
        Set<Integer> missing = new TreeSet<>();
        for (Integer device : registered.keySet()) {
            boolean isSender = accountId.equals(sender.accountId()) && device == sender.deviceId();
            if (!seen.contains(device) && !isSender) {
                missing.add(device);
            }
        }
        if (missing.isEmpty() && extra.isEmpty() && stale.isEmpty()) {
            return null;
        }
        return new Frame.DeviceMismatch(
                accountId, List.copyOf(missing), List.copyOf(extra), List.copyOf(stale));
    }

    private static boolean alreadyAccepted(Statements db, SendRequest send) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT 1 FROM accepted_sends WHERE sender = ? AND sender_device = ?"
                                + " AND client_msg_id = ?");
        s.setString(1, send.sender().accountId());
        s.setInt(2, send.sender().deviceId());
        s.setString(3, send.clientMsgId());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next();
        }
    }

    private static void recordAccepted(Statements db, SendRequest send) throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT INTO accepted_sends (sender, sender_device, client_msg_id,"
                                + " accepted_at) VALUES (?, ?, ?, ?)");
        s.setString(1, send.sender().accountId());
        s.setInt(2, send.sender().deviceId());
        s.setString(3, send.clientMsgId());
        s.setLong(4, send.serverTime());
        s.executeUpdate();
    }

    private int count(Statements db, long rowId) throws SQLException {
        Integer cached = counts.get(rowId);
        if (cached != null) {
            return cached;
        }
        PreparedStatement s = db.get("SELECT count(*) FROM queue WHERE device_id = ?");
        s.setLong(1, rowId);
        int count;
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            count = rs.getInt(1);
        }
        counts.put(rowId, count);
        return count;
    }

    private static long insertBody(Statements db, byte[] data, long expiresAt) throws SQLException {
        PreparedStatement s =
                db.get("INSERT INTO bodies (data, expires_at) VALUES (?, ?) RETURNING id");
        s.setBytes(1, data);
        s.setLong(2, expiresAt);
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long nextSeq(Statements db, long rowId) throws SQLException {
        PreparedStatement s =
                db.get(
                        "UPDATE devices SET next_seq = next_seq + 1 WHERE id = ?"
                                + " RETURNING next_seq - 1");
        s.setLong(1, rowId);
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insertEntry(
            Statements db, long rowId, long seq, long bodyId, SendRequest send)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT INTO queue (device_id, seq, body_id, sender, sender_device,"
                                + " client_msg_id, kind, server_time, expires_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)");
        s.setLong(1, rowId);
        s.setLong(2, seq);
        s.setLong(3, bodyId);
        s.setString(4, send.sender().accountId());
        s.setInt(5, send.sender().deviceId());
        s.setString(6, send.clientMsgId());
        s.setLong(7, send.serverTime());
        s.setLong(8, send.expiresAt());
        s.executeUpdate();
    }

    /** Deletes the device's entries with these seqs and the bodies left without an entry. */
    int ack(Statements db, long rowId, List<Long> seqs) throws SQLException {
        PreparedStatement delete =
                db.get("DELETE FROM queue WHERE device_id = ? AND seq = ? RETURNING body_id");
        Set<Long> bodies = new LinkedHashSet<>();
        int deleted = 0;
        for (long seq : new TreeSet<>(seqs)) {
            delete.setLong(1, rowId);
            delete.setLong(2, seq);
            try (ResultSet rs = delete.executeQuery()) {
                while (rs.next()) {
                    bodies.add(rs.getLong(1));
                    deleted++;
                }
            }
        }
        deleteOrphans(db, bodies);
        Integer cached = counts.get(rowId);
        if (cached != null) {
            counts.put(rowId, Math.max(0, cached - deleted));
        }
        return deleted;
    }

    /** Empties a device's queue (re-registration). */
    void clear(Statements db, long rowId) throws SQLException {
        PreparedStatement delete =
                db.get("DELETE FROM queue WHERE device_id = ? RETURNING body_id");
        delete.setLong(1, rowId);
        Set<Long> bodies = new LinkedHashSet<>();
        try (ResultSet rs = delete.executeQuery()) {
            while (rs.next()) {
                bodies.add(rs.getLong(1));
            }
        }
        deleteOrphans(db, bodies);
        counts.put(rowId, 0);
    }

    private static void deleteOrphans(Statements db, Set<Long> bodies) throws SQLException {
        PreparedStatement s =
                db.get(
                        "DELETE FROM bodies WHERE id = ?"
                                + " AND NOT EXISTS (SELECT 1 FROM queue WHERE body_id = ?)");
        for (long body : bodies) {
            s.setLong(1, body);
            s.setLong(2, body);
            s.executeUpdate();
        }
    }

    SweepResult sweep(Statements db, long now, long sendIdCutoff) throws SQLException {
        PreparedStatement entries = db.get("DELETE FROM queue WHERE expires_at <= ?");
        entries.setLong(1, now);
        int expiredEntries = entries.executeUpdate();
        PreparedStatement bodies =
                db.get(
                        "DELETE FROM bodies WHERE expires_at <= ?"
                                + " OR NOT EXISTS (SELECT 1 FROM queue WHERE body_id = bodies.id)");
        bodies.setLong(1, now);
        int deletedBodies = bodies.executeUpdate();
        PreparedStatement sendIds = db.get("DELETE FROM accepted_sends WHERE accepted_at < ?");
        sendIds.setLong(1, sendIdCutoff);
        int deletedSendIds = sendIds.executeUpdate();
        counts.clear();
        return new SweepResult(expiredEntries, deletedBodies, deletedSendIds);
    }

    static List<QueueEntry> read(
            Statements db, DeviceAddress device, long afterSeq, int limit, long now)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT q.seq, q.sender, q.sender_device, q.client_msg_id, q.server_time,"
                                + " q.expires_at, b.data FROM devices d"
                                + " JOIN queue q ON q.device_id = d.id"
                                + " JOIN bodies b ON b.id = q.body_id"
                                + " WHERE d.account = ? AND d.device = ? AND q.seq > ?"
                                + " AND q.expires_at > ? ORDER BY q.seq LIMIT ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        s.setLong(3, afterSeq);
        s.setLong(4, now);
        s.setInt(5, limit);
        List<QueueEntry> page = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                page.add(
                        new QueueEntry(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getInt(3),
                                rs.getString(4),
                                Kind.MESSAGE,
                                rs.getLong(5),
                                rs.getLong(6),
                                rs.getBytes(7)));
            }
        }
        return page;
    }

    static long lastSeq(Statements db, DeviceAddress device) throws SQLException {
        PreparedStatement s =
                db.get("SELECT next_seq - 1 FROM devices WHERE account = ? AND device = ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
