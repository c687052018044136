package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.SendAdmission;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.SweepResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL for queues and bodies. Ciphertext for one device is stored in its queue entry; ciphertext
 * shared by several devices (a group message) once in {@code bodies}. Writes run on the writer
 * thread inside its transaction. What this class keeps in memory (per-device entry counts for the
 * quota, the next seq of each device, the device directory) is touched only on that thread: seqs
 * handed out are written back once per batch by {@link #flush}, and {@link #forget} drops
 * everything after a rollback.
 */
final class SqliteQueues {
    /** The {@code body_id} of an entry that holds its own ciphertext. */
    private static final long INLINE = 0;

    private final int quota;
    private final int maxSentNotices;
    private final DeviceDirectory directory;
    private final Map<Long, Integer> counts = new HashMap<>();
    private final Map<Long, Long> nextSeqs = new HashMap<>();
    private final Set<Long> dirtySeqs = new HashSet<>();

    SqliteQueues(int quota, int maxSentNotices, DeviceDirectory directory) {
        this.quota = quota;
        this.maxSentNotices = maxSentNotices;
        this.directory = directory;
    }

    /** Forgets what is cached; called when the transaction was rolled back. */
    void forget() {
        counts.clear();
        nextSeqs.clear();
        dirtySeqs.clear();
        directory.clear();
    }

    /** Writes the next seq of every device that received entries in this transaction. */
    void flush(Statements db) throws SQLException {
        if (dirtySeqs.isEmpty()) {
            return;
        }
        PreparedStatement s = db.get("UPDATE devices SET next_seq = ? WHERE id = ?");
        for (long rowId : dirtySeqs) {
            s.setLong(1, nextSeqs.get(rowId));
            s.setLong(2, rowId);
            s.executeUpdate();
        }
        dirtySeqs.clear();
    }

    SendOutcome store(Statements db, SendRequest send) throws SQLException {
        // a device that authenticated is registered, and devices are never removed
        long senderId =
                directory
                        .rowId(db, send.sender())
                        .orElseThrow(
                                () -> new IllegalStateException("the sender is not registered"));
        if (!recordAccepted(db, senderId, send)) {
            return new SendOutcome.Duplicate();
        }
        SendAdmission.Decision<DeviceDirectory.Device> decision =
                SendAdmission.admit(send, quota, admissionDirectory(db));
        if (decision instanceof SendAdmission.Decision.Refuse<DeviceDirectory.Device> refuse) {
            forgetAccepted(db, senderId, send);
            return refuse.outcome();
        }
        return new SendOutcome.Stored(
                insert(
                        db,
                        send,
                        ((SendAdmission.Decision.Admit<DeviceDirectory.Device>) decision)
                                .targets()));
    }

    private SendAdmission.Directory<DeviceDirectory.Device, SQLException> admissionDirectory(
            Statements db) {
        return new SendAdmission.Directory<>() {
            @Override
            public Map<Integer, DeviceDirectory.Device> devicesOf(String accountId)
                    throws SQLException {
                return directory.devicesOf(db, accountId);
            }

            @Override
            public int registrationId(DeviceDirectory.Device device) {
                return device.registrationId();
            }

            @Override
            public int queued(DeviceDirectory.Device device, int atLeast) throws SQLException {
                return count(db, device.rowId());
            }
        };
    }

    /** Inserts the bodies and one entry per target; the caches change only once all succeeded. */
    private Map<DeviceAddress, List<QueueEntry>> insert(
            Statements db,
            SendRequest send,
            List<SendAdmission.Target<DeviceDirectory.Device>> targets)
            throws SQLException {
        long sharedBody = -1;
        long[] seqs = new long[targets.size()];
        Map<DeviceAddress, List<QueueEntry>> entries = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            SendAdmission.Target<DeviceDirectory.Device> t = targets.get(i);
            long rowId = t.device().rowId();
            byte[] ciphertext = t.recipient().ciphertext();
            long bodyId;
            if (ciphertext == null) {
                if (sharedBody < 0) {
                    sharedBody = insertBody(db, send.body(), send.expiresAt());
                }
                bodyId = sharedBody;
                ciphertext = send.body();
            } else {
                bodyId = INLINE;
            }
            long seq = nextSeq(db, rowId);
            seqs[i] = seq;
            insertEntry(db, rowId, seq, bodyId, bodyId == INLINE ? ciphertext : null, send);
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
        // last, so that a failure above (rolled back to a savepoint) leaves the caches right
        for (int i = 0; i < targets.size(); i++) {
            long rowId = targets.get(i).device().rowId();
            counts.merge(rowId, 1, Integer::sum);
            nextSeqs.put(rowId, seqs[i] + 1);
            dirtySeqs.add(rowId);
        }
        return entries;
    }

    /**
     * Remembers the send's clientMsgId.
     *
     * @return false if it was accepted before (a retry)
     */
    private static boolean recordAccepted(Statements db, long senderId, SendRequest send)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT OR IGNORE INTO accepted_sends (sender_id, client_msg_id,"
                                + " accepted_at) VALUES (?, ?, ?)");
        s.setLong(1, senderId);
        s.setString(2, send.clientMsgId());
        s.setLong(3, send.serverTime());
        return s.executeUpdate() == 1;
    }

    /** Undoes {@link #recordAccepted} for a send that was refused. */
    private static void forgetAccepted(Statements db, long senderId, SendRequest send)
            throws SQLException {
        PreparedStatement s =
                db.get("DELETE FROM accepted_sends WHERE sender_id = ? AND client_msg_id = ?");
        s.setLong(1, senderId);
        s.setString(2, send.clientMsgId());
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

    /** The next seq of the device, without taking it (see {@link #insert}). */
    private long nextSeq(Statements db, long rowId) throws SQLException {
        Long cached = nextSeqs.get(rowId);
        if (cached != null) {
            return cached;
        }
        PreparedStatement s = db.get("SELECT next_seq FROM devices WHERE id = ?");
        s.setLong(1, rowId);
        long next;
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            next = rs.getLong(1);
        }
        nextSeqs.put(rowId, next);
        return next;
    }

    private static void insertEntry(
            Statements db, long rowId, long seq, long bodyId, byte[] data, SendRequest send)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT INTO queue (device_id, seq, body_id, data, sender, sender_device,"
                                + " client_msg_id, kind, server_time, expires_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)");
        s.setLong(1, rowId);
        s.setLong(2, seq);
        s.setLong(3, bodyId);
        s.setBytes(4, data);
        s.setString(5, send.sender().accountId());
        s.setInt(6, send.sender().deviceId());
        s.setString(7, send.clientMsgId());
        s.setLong(8, send.serverTime());
        s.setLong(9, send.expiresAt());
        s.executeUpdate();
    }

    /** Deletes the device's entries with these seqs and the bodies left without an entry. */
    int ack(Statements db, long rowId, List<Long> seqs) throws SQLException {
        // acks mostly come as runs of consecutive seqs: one statement per run
        PreparedStatement delete =
                db.get(
                        "DELETE FROM queue WHERE device_id = ? AND seq BETWEEN ? AND ?"
                                + " RETURNING body_id");
        Set<Long> bodies = new LinkedHashSet<>();
        int deleted = 0;
        Long first = null;
        long last = 0;
        for (long seq : new TreeSet<>(seqs)) {
            if (first != null && seq == last + 1) {
                last = seq;
                continue;
            }
            if (first != null) {
                deleted += deleteRun(delete, rowId, first, last, bodies);
            }
            first = seq;
            last = seq;
        }
        if (first != null) {
            deleted += deleteRun(delete, rowId, first, last, bodies);
        }
        deleteOrphans(db, bodies);
        Integer cached = counts.get(rowId);
        if (cached != null) {
            counts.put(rowId, Math.max(0, cached - deleted));
        }
        return deleted;
    }

    /** Deletes the device's entries with seqs {@code from..to}, noting their shared bodies. */
    private static int deleteRun(
            PreparedStatement delete, long rowId, long from, long to, Set<Long> bodies)
            throws SQLException {
        delete.setLong(1, rowId);
        delete.setLong(2, from);
        delete.setLong(3, to);
        int deleted = 0;
        try (ResultSet rs = delete.executeQuery()) {
            while (rs.next()) {
                long body = rs.getLong(1);
                if (body != INLINE) {
                    bodies.add(body);
                }
                deleted++;
            }
        }
        return deleted;
    }

    /** Empties a device's queue and deletes its expiry notices (re-registration, removal). */
    void clear(Statements db, long rowId) throws SQLException {
        // not expired: the sender is not told, and the device's own notices go with its queue
        SqliteNotices.clear(db, rowId);
        PreparedStatement delete =
                db.get("DELETE FROM queue WHERE device_id = ? RETURNING body_id");
        delete.setLong(1, rowId);
        Set<Long> bodies = new LinkedHashSet<>();
        try (ResultSet rs = delete.executeQuery()) {
            while (rs.next()) {
                long body = rs.getLong(1);
                if (body != INLINE) {
                    bodies.add(body);
                }
            }
        }
        deleteOrphans(db, bodies);
        counts.put(rowId, 0);
    }

    private static void deleteOrphans(Statements db, Set<Long> bodies) throws SQLException {
        PreparedStatement s =
                db.get(
                        "DELETE FROM bodies WHERE id = ? AND NOT EXISTS"
                                + " (SELECT 1 FROM queue WHERE body_id = ? AND body_id > 0)");
        for (long body : bodies) {
            s.setLong(1, body);
            s.setLong(2, body);
            s.executeUpdate();
        }
    }

    SweepResult sweep(Statements db, long now, long sendIdCutoff) throws SQLException {
        Set<DeviceAddress> noticed = SqliteNotices.recordExpiring(db, now, maxSentNotices);
        PreparedStatement entries = db.get("DELETE FROM queue WHERE expires_at <= ?");
        entries.setLong(1, now);
        int expiredEntries = entries.executeUpdate();
        PreparedStatement bodies =
                db.get(
                        "DELETE FROM bodies WHERE expires_at <= ?"
                                + " OR NOT EXISTS (SELECT 1 FROM queue"
                                + " WHERE body_id = bodies.id AND body_id > 0)");
        bodies.setLong(1, now);
        int deletedBodies = bodies.executeUpdate();
        PreparedStatement sendIds = db.get("DELETE FROM accepted_sends WHERE accepted_at < ?");
        sendIds.setLong(1, sendIdCutoff);
        int deletedSendIds = sendIds.executeUpdate();
        counts.clear();
        return new SweepResult(expiredEntries, deletedBodies, deletedSendIds, noticed);
    }

    static List<QueueEntry> read(
            Statements db, DeviceAddress device, long afterSeq, int limit, long maxBytes, long now)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT q.seq, q.sender, q.sender_device, q.client_msg_id, q.server_time,"
                                + " q.expires_at, coalesce(q.data, b.data) FROM devices d"
                                + " JOIN queue q ON q.device_id = d.id"
                                + " LEFT JOIN bodies b ON b.id = q.body_id AND q.body_id > 0"
                                + " WHERE d.account = ? AND d.device = ? AND q.seq > ?"
                                + " AND q.expires_at > ? ORDER BY q.seq LIMIT ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        s.setLong(3, afterSeq);
        s.setLong(4, now);
        s.setInt(5, limit);
        List<QueueEntry> page = new ArrayList<>();
        long bytes = 0;
        try (ResultSet rs = s.executeQuery()) {
            // rows are stepped one at a time: stopping here leaves the rest unread
            while (bytes < maxBytes && rs.next()) {
                byte[] ciphertext = rs.getBytes(7);
                bytes += ciphertext.length;
                page.add(
                        new QueueEntry(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getInt(3),
                                rs.getString(4),
                                Kind.MESSAGE,
                                rs.getLong(5),
                                rs.getLong(6),
                                ciphertext));
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
