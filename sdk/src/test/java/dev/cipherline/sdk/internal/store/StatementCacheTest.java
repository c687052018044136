package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCacheTest {
    private static final String INSERT = "INSERT INTO t (k) VALUES (?)";
    private static final String SELECT = "SELECT k FROM t ORDER BY k";

    @TempDir Path home;

    @Test
    void aStatementIsPreparedOnceAndReusedAfterClose() {
        try (Database db = Database.open(home)) {
            db.sqlTransaction(
                    c -> {
                        create(c);
                        int before = StatementCache.size(c);
                        PreparedStatement first;
                        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                            first = ps;
                            ps.setString(1, "a");
                            ps.executeUpdate();
                        }
                        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                            assertSame(first, ps);
                            ps.setString(1, "b");
                            ps.executeUpdate();
                        }
                        assertEquals(before + 1, StatementCache.size(c));
                        return null;
                    });
            assertEquals(List.of("a", "b"), keys(db));
        }
    }

    @Test
    void aNestedUseOfTheSameSqlGetsItsOwnStatement() {
        try (Database db = Database.open(home)) {
            db.sqlTransaction(
                    c -> {
                        create(c);
                        for (String k : List.of("x", "y", "z")) {
                            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                                ps.setString(1, k);
                                ps.executeUpdate();
                            }
                        }
                        return null;
                    });
            List<String> seen = new ArrayList<>();
            db.sqlRead(
                    c -> {
                        try (PreparedStatement outer = c.prepareStatement(SELECT);
                                ResultSet rs = outer.executeQuery()) {
                            while (rs.next()) {
                                seen.add(rs.getString(1));
                                // the same SQL while the outer result set is still being read
                                try (PreparedStatement inner = c.prepareStatement(SELECT)) {
                                    assertNotSame(outer, inner);
                                    try (ResultSet again = inner.executeQuery()) {
                                        assertTrue(again.next());
                                    }
                                }
                            }
                        }
                        return null;
                    });
            assertEquals(List.of("x", "y", "z"), seen);
        }
    }

    @Test
    void closingTheStatementClosesAResultSetLeftOpen() {
        try (Database db = Database.open(home)) {
            db.sqlTransaction(
                    c -> {
                        create(c);
                        return null;
                    });
            ResultSet leftOpen =
                    db.sqlRead(
                            c -> {
                                PreparedStatement ps = c.prepareStatement(SELECT);
                                ResultSet rs = ps.executeQuery();
                                ps.close();
                                return rs;
                            });
            assertTrue(isClosed(leftOpen));
            // and the statement is usable again, without stale parameters
            db.sqlTransaction(
                    c -> {
                        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                            assertFalse(ps.isClosed());
                            ps.setString(1, "k");
                            ps.executeUpdate();
                        }
                        return null;
                    });
            assertEquals(List.of("k"), keys(db));
        }
    }

    private static boolean isClosed(ResultSet rs) {
        try {
            return rs.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    @Test
    void anInsertDoesNotQueryItsGeneratedKeys() {
        // the driver's generated-keys lookup prepared and ran a second statement after every
        // INSERT; the store asks with RETURNING where it needs a row ID
        try (Database db = Database.open(home)) {
            db.sqlTransaction(
                    c -> {
                        create(c);
                        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                            ps.setString(1, "a");
                            assertEquals(1, ps.executeUpdate());
                            try (ResultSet keys = ps.getGeneratedKeys()) {
                                assertFalse(keys.next(), "no generated key was looked up");
                            }
                        }
                        return null;
                    });
            assertEquals(List.of("a"), keys(db));
        }
    }

    private static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (k TEXT)");
        }
    }

    private static List<String> keys(Database db) {
        return db.sqlRead(
                c -> {
                    List<String> out = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement(SELECT);
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                    return out;
                });
    }
}
