package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.sdk.ChatException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnsyncedTransactionTest {
    @TempDir Path home;

    private static int synchronous(Database db) {
        return db.sqlRead(
                c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
    }

    private static void createTable(Database db) {
        db.sqlTransaction(
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE t (k TEXT)");
                    }
                    return null;
                });
    }

    private static void insert(java.sql.Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k) VALUES (?)")) {
            ps.setString(1, key);
            ps.executeUpdate();
        }
    }

    private static int rows(Database db) {
        return db.sqlRead(
                c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
    }

    @Test
    void itCommitsWithoutItsOwnSyncAndEveryOtherTransactionStaysFullySynced() {
        try (Database db = Database.open(home)) {
            createTable(db);
            assertEquals(2, synchronous(db), "FULL");

            int inside =
                    db.sqlTransactionUnsynced(
                            c -> {
                                insert(c, "sent");
                                return synchronous(db);
                            });
            assertEquals(1, inside, "NORMAL while it runs");
            assertEquals(2, synchronous(db), "FULL again after it");
            assertEquals(1, rows(db));

            assertThrows(
                    IllegalStateException.class,
                    () ->
                            db.sqlTransactionUnsynced(
                                    c -> {
                                        insert(c, "rolled back");
                                        throw new IllegalStateException("boom");
                                    }));
            assertEquals(2, synchronous(db), "FULL again after a rollback");
            assertEquals(1, rows(db));

            // inside a synced transaction it joins, and the outer commit is synced
            db.sqlTransaction(
                    c -> {
                        db.sqlTransactionUnsynced(
                                inner -> {
                                    insert(inner, "joined");
                                    return null;
                                });
                        assertEquals(2, synchronous(db));
                        return null;
                    });
            assertEquals(2, rows(db));
        }
    }

    @Test
    void itsWritesSurviveAReopen() {
        try (Database db = Database.open(home)) {
            createTable(db);
            db.sqlTransactionUnsynced(
                    c -> {
                        insert(c, "sent");
                        return null;
                    });
        }
        try (Database db = Database.open(home)) {
            assertEquals(1, rows(db));
        }
    }

    @Test
    void aClosedStoreRefusesIt() {
        Database db = Database.open(home);
        db.close();
        ChatException e =
                assertThrows(ChatException.class, () -> db.sqlTransactionUnsynced(c -> null));
        assertEquals(ChatException.Reason.CLOSED, e.reason());
    }
}
