package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable outbox: one row per message or receipt not yet accepted by the relay, holding the
 * sealed plaintext (not ciphertext) so each attempt can encrypt for the recipient's current
 * devices. Rows of one recipient are sent strictly in insertion order.
 */
public final class OutboxStore {
    private final Database db;

    public OutboxStore(Database db) {
        this.db = db;
    }

    /**
     * One outbox row.
     *
     * @param messageRowId the row of the message in the history, or 0 for a receipt (which is not
     *     in the history)
     * @param sealed the sealed inner payload to encrypt
     * @param attempts how many times it was encrypted and sent
     * @param nextAttemptAt epoch ms before which it must not be sent again
     */
    public record Entry(
            long id,
            long messageRowId,
            String recipient,
            String clientMsgId,
            long expiresAt,
            byte[] sealed,
            int attempts,
            long nextAttemptAt) {
        /** Whether this entry is a message of the history (not a receipt). */
        public boolean isMessage() {
            return messageRowId != 0;
        }
    }

    /** Adds a message ({@code messageRowId} > 0) or a receipt (0) to the end of the outbox. */
    public void insert(
            Tx tx,
            long messageRowId,
            String recipient,
            String clientMsgId,
            long expiresAt,
            byte[] sealed,
            long now) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT INTO outbox (message_id, recipient, client_msg_id, expires_at, sealed,"
                                        + " attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
                                messageRowId == 0 ? null : messageRowId,
                                recipient,
                                clientMsgId,
                                expiresAt,
                                db.keys()
                                        .seal(
                                                SealedColumns.OUTBOX_SEALED,
                                                SealedColumns.messageRow(recipient, clientMsgId),
                                                sealed),
                                now));
    }

    private static final String COLUMNS =
            "SELECT id, message_id, recipient, client_msg_id, expires_at, sealed, attempts,"
                    + " next_attempt_at FROM outbox";

    /** The oldest row of every recipient, oldest first: the only rows that may be sent now. */
    public List<Entry> heads() {
        return entries(
                COLUMNS
                        + " WHERE id IN (SELECT MIN(id) FROM outbox GROUP BY recipient) ORDER BY"
                        + " id");
    }

    /** Up to {@code limit} rows from row {@code firstId} on, oldest first, of any recipient. */
    public List<Entry> from(long firstId, int limit) {
        return entries(COLUMNS + " WHERE id >= ? ORDER BY id LIMIT ?", firstId, limit);
    }

    private List<Entry> entries(String sql, Object... args) {
        return db.sqlRead(
                c -> {
                    List<Entry> out = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (int i = 0; i < args.length; i++) {
                            ps.setObject(i + 1, args[i]);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(entry(rs));
                            }
                        }
                    }
                    return out;
                });
    }

    private Entry entry(ResultSet rs) throws SQLException {
        String recipient = rs.getString(3);
        String clientMsgId = rs.getString(4);
        return new Entry(
                rs.getLong(1),
                rs.getLong(2),
                recipient,
                clientMsgId,
                rs.getLong(5),
                db.keys()
                        .unseal(
                                SealedColumns.OUTBOX_SEALED,
                                SealedColumns.messageRow(recipient, clientMsgId),
                                rs.getBytes(6)),
                rs.getInt(7),
                rs.getLong(8));
    }

    /**
     * The {@code next_attempt_at} of an entry held back until the user accepts its recipient's
     * identity change: never due.
     */
    public static final long HELD = Long.MAX_VALUE;

    /** Makes the held entries for {@code recipient} due now; returns how many. */
    public int releaseHeld(Tx tx, String recipient, long now) {
        return tx.sql(
                c ->
                        execute(
                                c,
                                "UPDATE outbox SET next_attempt_at = ? WHERE recipient = ? AND next_attempt_at = ?",
                                now,
                                recipient,
                                HELD));
    }

    /** Records an attempt and the earliest time of the next one. */
    public void recordAttempt(Tx tx, long id, long nextAttemptAt, String lastError) {
        tx.run(
                c ->
                        execute(
                                c,
                                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
                                        + " WHERE id = ?",
                                nextAttemptAt,
                                lastError,
                                id));
    }

    /**
     * Takes back the attempt recorded for a row that was encrypted but never sent (a batch stopped
     * before it): it is due again at {@code now}, and its attempt is not counted.
     */
    public void release(Tx tx, long id, long now) {
        tx.run(
                c ->
                        execute(
                                c,
                                "UPDATE outbox SET attempts = MAX(attempts - 1, 0), next_attempt_at = ? WHERE id = ?",
                                now,
                                id));
    }

    /** Postpones a row without counting an attempt. */
    public void postpone(long id, long nextAttemptAt, String lastError) {
        db.sqlTransaction(
                c ->
                        execute(
                                c,
                                "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id ="
                                        + " ?",
                                nextAttemptAt,
                                lastError,
                                id));
    }

    /** Removes a row once the relay accepted it or it failed for good. */
    public void delete(Tx tx, long id) {
        tx.run(c -> execute(c, "DELETE FROM outbox WHERE id = ?", id));
    }

    /**
     * When the earliest row for one of {@code recipients} that is older than {@code id} or is no
     * message (a control message or receipt) is due, or null if there is none: such rows, e.g. a
     * sender key distribution, must reach the relay before the group message {@code id} does.
     */
    public Long olderDueFor(long id, java.util.Collection<String> recipients) {
        if (recipients.isEmpty()) {
            return null;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(recipients.size(), "?"));
        Object[] args = new Object[recipients.size() + 1];
        args[0] = id;
        int i = 1;
        for (String r : recipients) {
            args[i++] = r;
        }
        return db.sqlRead(
                c ->
                        number(
                                c,
                                "SELECT next_attempt_at FROM outbox WHERE (id < ? OR message_id IS NULL)"
                                        + " AND recipient IN ("
                                        + marks
                                        + ") ORDER BY next_attempt_at LIMIT 1",
                                args));
    }

    /** How many rows are waiting. */
    public int size() {
        return db.sqlRead(c -> number(c, "SELECT COUNT(*) FROM outbox").intValue());
    }
}
