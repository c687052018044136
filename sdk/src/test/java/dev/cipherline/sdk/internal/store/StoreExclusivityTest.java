package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.ChatException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client per store: the SDK keeps session records in memory, so a second client on the same
 * store would encrypt from a stale ratchet. The second open fails with a clear message, in the same
 * process and from another one, and the store opens again once the first client closed it.
 */
class StoreExclusivityTest {
    @TempDir Path home;

    @Test
    void aSecondClientInThisProcessIsRefusedUntilTheFirstCloses() {
        try (Database first = Database.openUnprotected(home)) {
            write(first, "kept");
            ChatException e = assertThrows(ChatException.class, () -> Database.open(home));
            assertEquals(ChatException.Reason.IN_USE, e.reason());
            assertTrue(
                    e.getMessage().contains("in use by another Cipherline client"), e::getMessage);
            // the refused open left the first client working
            write(first, "after");
        }
        try (Database again = Database.openUnprotected(home)) {
            assertEquals(List.of("kept", "after"), read(again));
        }
    }

    @Test
    void aStoreHeldByAnotherProcessIsRefusedAndOpensOnceThatProcessExits() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder =
                new ProcessBuilder(
                                java.toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                Holder.class.getName(),
                                home.toString())
                        .redirectErrorStream(true)
                        .start();
        try {
            BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("open", out.readLine(), "the holder process did not open the store");

            ChatException e = assertThrows(ChatException.class, () -> Database.open(home));
            assertEquals(ChatException.Reason.IN_USE, e.reason());
            assertTrue(
                    e.getMessage().contains("in use by another Cipherline client"), e::getMessage);
        } finally {
            holder.getOutputStream().close(); // the holder closes the store and exits
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "the holder process did not exit");
        }
        assertEquals(0, holder.exitValue());
        try (Database db = Database.openUnprotected(home)) {
            assertEquals(List.of("from the holder"), read(db));
        }
    }

    /** Opens the store in args[0], writes one row, prints "open", holds it until stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (Database db = Database.openUnprotected(Path.of(args[0]))) {
                write(db, "from the holder");
                System.out.println("open");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the test to close our stdin
                }
            }
        }
    }

    private static void write(Database db, String value) {
        db.sqlTransaction(
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE IF NOT EXISTS t (v TEXT)");
                    }
                    try (var ps = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
                        ps.setString(1, value);
                        ps.executeUpdate();
                    }
                    return null;
                });
    }

    private static List<String> read(Database db) {
        return db.sqlRead(
                c -> {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY rowid")) {
                        List<String> out = new java.util.ArrayList<>();
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                        return out;
                    }
                });
    }
}
