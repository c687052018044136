package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.sdk.ChatException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnsyncedTransactionTest {
    @TempDir Path home;

    /** Commits so far, and how many of them are known to be on disk. */
    private static long[] counts(Database db) {
        return db.commitsAndSynced();
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
    void itCommitsWithoutItsOwnSyncAndEveryOtherTransactionIsSyncedBeforeItReturns() {
        try (Database db = Database.open(home)) {
            createTable(db);
            long[] afterCreate = counts(db);
            assertEquals(afterCreate[0], afterCreate[1], "a synced commit is on disk");
            CommitLog log = CommitLog.of(db);

            db.sqlTransactionUnsynced(
                    c -> {
                        insert(c, "sent");
                        return null;
                    });
            long[] afterUnsynced = counts(db);
            assertEquals(afterCreate[0] + 1, afterUnsynced[0]);
            assertEquals(afterCreate[1], afterUnsynced[1], "not flushed on its own");
            assertEquals(1, rows(db));

            assertThrows(
                    IllegalStateException.class,
                    () ->
                            db.sqlTransactionUnsynced(
                                    c -> {
                                        insert(c, "rolled back");
                                        throw new IllegalStateException("boom");
                                    }));
            assertEquals(1, rows(db));
            assertEquals(afterUnsynced[0], counts(db)[0], "a rollback commits nothing");

            // inside a synced transaction it joins, and the outer commit is synced, covering the
            // earlier unsynced commit too
            db.sqlTransaction(
                    c -> {
                        db.sqlTransactionUnsynced(
                                inner -> {
                                    insert(inner, "joined");
                                    return null;
                                });
                        return null;
                    });
            assertEquals(2, rows(db));
            long[] afterSynced = counts(db);
            assertEquals(afterUnsynced[0] + 1, afterSynced[0]);
            assertEquals(afterSynced[0], afterSynced[1], "every commit so far is on disk");
            assertEquals(List.of(CommitLog.NORMAL, CommitLog.FULL), log.commits());
        }
    }

    @Test
    void threadsThatSyncTogetherAreAllOnDiskWhenTheyReturn() throws Exception {
        try (Database db = Database.open(home)) {
            createTable(db);
            int threads = 4;
            int each = 25;
            List<Thread> started = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                Thread thread =
                        new Thread(
                                () -> {
                                    try {
                                        for (int i = 0; i < each; i++) {
                                            String key = n + ":" + i;
                                            db.sqlTransaction(
                                                    c -> {
                                                        insert(c, key);
                                                        return null;
                                                    });
                                            long[] now = counts(db);
                                            // this thread's commit is on disk once it returned
                                            if (now[1] < 1) {
                                                throw new AssertionError("nothing synced");
                                            }
                                        }
                                    } catch (Throwable e) {
                                        failures.add(e);
                                    }
                                });
                started.add(thread);
                thread.start();
            }
            for (Thread thread : started) {
                thread.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(threads * each, rows(db));
            long[] end = counts(db);
            assertEquals(end[0], end[1], "every commit is on disk");
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
