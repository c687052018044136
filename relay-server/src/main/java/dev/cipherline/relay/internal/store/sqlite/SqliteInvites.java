package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.Invite;
import dev.cipherline.relay.internal.store.InviteOutcome;
import dev.cipherline.relay.internal.store.QueueTotals;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL for invites, queue totals and the readiness probe. Writes run on the writer, inside its
 * transaction, so taking an invite's use and registering the device commit together or not at all.
 */
final class SqliteInvites {
    private SqliteInvites() {}

    static void create(Statements db, Invite invite) throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT INTO invites (id, token_hash, uses, uses_left, created_at,"
                                + " expires_at) VALUES (?, ?, ?, ?, ?, ?)");
        s.setString(1, invite.id());
        s.setBytes(2, invite.tokenHash());
        s.setInt(3, invite.uses());
        s.setInt(4, invite.usesLeft());
        s.setLong(5, invite.createdAt());
        s.setLong(6, invite.expiresAt());
        s.executeUpdate();
    }

    static List<Invite> list(Statements db) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT id, token_hash, uses, uses_left, created_at, expires_at FROM"
                                + " invites ORDER BY created_at, id");
        List<Invite> invites = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                invites.add(
                        new Invite(
                                rs.getString(1),
                                rs.getBytes(2),
                                rs.getInt(3),
                                rs.getInt(4),
                                rs.getLong(5),
                                rs.getLong(6)));
            }
        }
        return invites;
    }

    static boolean revoke(Statements db, String id) throws SQLException {
        PreparedStatement s = db.get("DELETE FROM invites WHERE id = ?");
        s.setString(1, id);
        return s.executeUpdate() > 0;
    }

    /** Takes one use of the invite with this token hash, or says why it cannot. */
    static InviteOutcome take(Statements db, byte[] tokenHash, long now) throws SQLException {
        PreparedStatement find =
                db.get("SELECT id, uses_left, expires_at FROM invites WHERE token_hash = ?");
        find.setBytes(1, tokenHash);
        String id;
        try (ResultSet rs = find.executeQuery()) {
            if (!rs.next()) {
                return InviteOutcome.INVALID;
            }
            if (rs.getLong(3) <= now) {
                return InviteOutcome.EXPIRED;
            }
            if (rs.getInt(2) <= 0) {
                return InviteOutcome.USED;
            }
            id = rs.getString(1);
        }
        PreparedStatement use = db.get("UPDATE invites SET uses_left = uses_left - 1 WHERE id = ?");
        use.setString(1, id);
        use.executeUpdate();
        return InviteOutcome.REGISTERED;
    }

    static QueueTotals totals(Statements db) throws SQLException {
        PreparedStatement entries =
                db.get("SELECT count(*), coalesce(sum(length(data)), 0) FROM queue");
        long count;
        long bytes;
        try (ResultSet rs = entries.executeQuery()) {
            rs.next();
            count = rs.getLong(1);
            bytes = rs.getLong(2);
        }
        PreparedStatement bodies = db.get("SELECT coalesce(sum(length(data)), 0) FROM bodies");
        try (ResultSet rs = bodies.executeQuery()) {
            rs.next();
            bytes += rs.getLong(1);
        }
        return new QueueTotals(count, bytes);
    }

    static void probe(Statements db, long now) throws SQLException {
        PreparedStatement s = db.get("INSERT OR REPLACE INTO probe (id, at) VALUES (1, ?)");
        s.setLong(1, now);
        s.executeUpdate();
    }
}
