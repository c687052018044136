package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.ProvisioningStore.MailboxState;
import dev.cipherline.relay.internal.store.ProvisioningStore.Taken;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQL of provisioning mailboxes (table {@code provisioning}). Every statement runs on the
 * writer, so each put and take is one step of one transaction.
 */
final class SqliteProvisioning {
    private static final int EMPTY = 0;
    private static final int FULL = 1;
    private static final int READ = 2;

    private SqliteProvisioning() {}

    /** Deletes the mailboxes expired by {@code now}, with whatever payload they still hold. */
    static void sweep(Statements db, long now) throws SQLException {
        PreparedStatement sweep = db.get("DELETE FROM provisioning WHERE expires_at <= ?");
        sweep.setLong(1, now);
        sweep.executeUpdate();
    }

    static void open(Statements db, String id, long now, long expiresAt) throws SQLException {
        sweep(db, now);
        PreparedStatement s =
                db.get(
                        "INSERT INTO provisioning (id, state, expires_at, data) VALUES (?, "
                                + EMPTY
                                + ", ?, NULL)");
        s.setString(1, id);
        s.setLong(2, expiresAt);
        s.executeUpdate();
    }

    static MailboxState put(Statements db, String id, byte[] payload, long now)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "UPDATE provisioning SET state = "
                                + FULL
                                + ", data = ? WHERE id = ? AND state = "
                                + EMPTY
                                + " AND expires_at > ?");
        s.setBytes(1, payload);
        s.setString(2, id);
        s.setLong(3, now);
        if (s.executeUpdate() == 1) {
            return MailboxState.DONE;
        }
        int state = state(db, id, now);
        return state < 0 ? MailboxState.EXPIRED : MailboxState.USED;
    }

    static Taken take(Statements db, String id, long now) throws SQLException {
        int state = state(db, id, now);
        if (state < 0) {
            return new Taken(MailboxState.EXPIRED, null);
        }
        if (state == EMPTY) {
            return new Taken(MailboxState.PENDING, null);
        }
        if (state == READ) {
            return new Taken(MailboxState.USED, null);
        }
        byte[] payload;
        PreparedStatement read = db.get("SELECT data FROM provisioning WHERE id = ?");
        read.setString(1, id);
        try (ResultSet rs = read.executeQuery()) {
            rs.next();
            payload = rs.getBytes(1);
        }
        PreparedStatement s =
                db.get("UPDATE provisioning SET state = " + READ + ", data = NULL WHERE id = ?");
        s.setString(1, id);
        s.executeUpdate();
        return new Taken(MailboxState.DONE, payload);
    }

    /** The mailbox's state, or -1 if it does not exist or expired (then it is deleted). */
    private static int state(Statements db, String id, long now) throws SQLException {
        PreparedStatement find = db.get("SELECT state, expires_at FROM provisioning WHERE id = ?");
        find.setString(1, id);
        int state;
        long expiresAt;
        try (ResultSet rs = find.executeQuery()) {
            if (!rs.next()) {
                return -1;
            }
            state = rs.getInt(1);
            expiresAt = rs.getLong(2);
        }
        if (expiresAt <= now) {
            PreparedStatement delete = db.get("DELETE FROM provisioning WHERE id = ?");
            delete.setString(1, id);
            delete.executeUpdate();
            return -1;
        }
        return state;
    }
}
