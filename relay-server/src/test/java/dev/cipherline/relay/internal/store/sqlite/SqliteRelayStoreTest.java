package dev.cipherline.relay.internal.store.sqlite;

import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.store.InviteOutcome;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.store.RelayStoreContractTest;
import dev.cipherline.relay.internal.store.SendOutcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite store: the {@link RelayStoreContractTest contract} against a real database in a temp
 * directory (with direct executors, so futures complete on the calling thread), plus what only
 * SQLite has: its file layout, older layouts it upgrades, and WAL mode.
 */
class SqliteRelayStoreTest extends RelayStoreContractTest {
    @TempDir Path dir;

    @Override
    protected RelayStore openStore(MutableClock clock, int quota) throws Exception {
        return StoreFixture.open(dir, clock, quota, sentNoticeCap);
    }

    @Override
    protected long count(Stored what) {
        return countRows(
                switch (what) {
                    case ENTRIES -> "queue";
                    case BODIES -> "bodies";
                    case SEND_IDS -> "accepted_sends";
                });
    }

    @Test
    void aGroupEntryHoldsTheBodysIdNotACopyOfTheBody() {
        List<Frame.Recipient> recipients = registerFakeAccounts(1_000);
        byte[] body = Vectors.fake(4096, 9);
        long before = sum("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
        assertInstanceOf(SendOutcome.Stored.class, groupSend("group-1000", body, recipients));
        assertEquals(4096, sum("SELECT SUM(length(data)) FROM bodies"));
        // a queue entry holds the body's ID and the envelope's small header fields, not the body:
        // the whole file (entries, their two indexes, the body) grows by a few hundred KB at most
        long grown =
                sum("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
                        - before;
        assertTrue(grown / 1_000 < 256, "bytes per extra recipient: " + grown / 1_000);
    }

    @Test
    void entriesOfTheOlderLayoutWithEveryCiphertextInBodiesAreStillDelivered() throws Exception {
        store.store(send("new1", "inline", BOB_1)).join();
        store.close();
        // rewrite the database the way relays before inline entries stored it
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement()) {
            s.execute("DROP INDEX queue_shared_body");
            s.execute(
                    "INSERT INTO bodies (id, data, expires_at) SELECT 1, data, expires_at FROM queue");
            s.execute(
                    "CREATE TABLE old_queue AS SELECT device_id, seq, 1 AS body_id, sender,"
                            + " sender_device, client_msg_id, kind, server_time, expires_at FROM queue");
            s.execute("DROP TABLE queue");
            s.execute(
                    "CREATE TABLE queue (device_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
                            + " body_id INTEGER NOT NULL, sender TEXT NOT NULL, sender_device INTEGER"
                            + " NOT NULL, client_msg_id TEXT NOT NULL, kind INTEGER NOT NULL,"
                            + " server_time INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY"
                            + " (device_id, seq)) WITHOUT ROWID");
            s.execute("INSERT INTO queue SELECT * FROM old_queue");
            s.execute("DROP TABLE old_queue");
            s.execute("CREATE INDEX queue_body ON queue (body_id)");
        }

        store = openStore(clock, 5);
        store.store(send("new2", "after", BOB_1)).join();
        assertEquals(
                List.of("inline->1", "after->1"),
                store.read(BOB_1.address(), 0, 10).join().stream()
                        .map(RelayStoreContractTest::text)
                        .toList());
        assertEquals(1, countRows("bodies"));
        assertEquals(1, store.ack(BOB_1.address(), List.of(1L)).join());
        assertEquals(0, countRows("bodies"), "the old entry's body goes with its ack");
    }

    @Test
    void olderQueueAndIdempotencyLayoutsAreRebuiltKeepingEveryEntryAndRecord() throws Exception {
        store.register(ALICE_2.registration(3)).join();
        store.store(send("k1", "one", BOB_1)).join();
        store.store(send("k2", "two", BOB_1, ALICE_2)).join();
        store.store(send("k3", "three", BOB_1)).join();
        store.close();
        // rewrite the queue the way relays before arrival order kept it: keyed by (device, seq)
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE old_queue AS SELECT device_id, seq, body_id, data, sender,"
                            + " sender_device, client_msg_id, kind, server_time, expires_at"
                            + " FROM queue");
            s.execute("DROP TABLE queue");
            s.execute(
                    "CREATE TABLE queue (device_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
                            + " body_id INTEGER NOT NULL, data BLOB, sender TEXT NOT NULL,"
                            + " sender_device INTEGER NOT NULL, client_msg_id TEXT NOT NULL,"
                            + " kind INTEGER NOT NULL, server_time INTEGER NOT NULL,"
                            + " expires_at INTEGER NOT NULL, PRIMARY KEY (device_id, seq))"
                            + " WITHOUT ROWID");
            s.execute("INSERT INTO queue SELECT * FROM old_queue");
            s.execute("DROP TABLE old_queue");
            s.execute("CREATE INDEX queue_expiry ON queue (expires_at)");
            s.execute("CREATE INDEX queue_shared_body ON queue (body_id) WHERE body_id > 0");
            // and the clientMsgIds keyed by account ID and device ID
            s.execute(
                    "CREATE TABLE old_accepted (sender TEXT NOT NULL, sender_device INTEGER NOT"
                            + " NULL, client_msg_id TEXT NOT NULL, accepted_at INTEGER NOT NULL,"
                            + " PRIMARY KEY (sender, sender_device, client_msg_id)) WITHOUT ROWID");
            s.execute(
                    "INSERT INTO old_accepted SELECT d.account, d.device, a.client_msg_id,"
                            + " a.accepted_at FROM accepted_sends a JOIN devices d"
                            + " ON d.id = a.sender_id");
            s.execute("DROP TABLE accepted_sends");
            s.execute("ALTER TABLE old_accepted RENAME TO accepted_sends");
            s.execute("CREATE INDEX accepted_sends_age ON accepted_sends (accepted_at)");
        }

        store = openStore(clock, 5);
        store.store(send("k4", "four", BOB_1)).join();
        assertEquals(
                List.of("one->1", "two->1", "three->1", "four->1"),
                store.read(BOB_1.address(), 0, 10).join().stream()
                        .map(RelayStoreContractTest::text)
                        .toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(store.read(BOB_1.address(), 0, 10).join()));
        assertEquals(
                List.of("two->" + ALICE_2.deviceId()),
                store.read(ALICE_2.address(), 0, 10).join().stream()
                        .map(RelayStoreContractTest::text)
                        .toList());
        for (String retried : List.of("k1", "k2", "k3")) {
            assertInstanceOf(
                    SendOutcome.Duplicate.class,
                    store.store(send(retried, "again", BOB_1)).join(),
                    retried + " was accepted before");
        }
        assertEquals(4, countRows("accepted_sends"));
        assertEquals(1, store.ack(BOB_1.address(), List.of(2L)).join());
        assertEquals(1, store.ack(ALICE_2.address(), List.of(1L)).join());
        assertEquals(3, countRows("queue"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM sqlite_master WHERE name IN"
                                        + " ('queue_device_seq', 'queue_expiry',"
                                        + " 'queue_shared_body', 'queue_by_device',"
                                        + " 'accepted_sends_age', 'accepted_sends_by_account')")) {
            rs.next();
            assertEquals(4, rs.getInt(1), "the new layout's indexes, no leftover table");
        }
    }

    @Test
    void theDatabaseRunsInWalModeWithFullSync() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertEquals("wal", rs.getString(1));
        }
    }

    private long sum(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int countRows(String table) {
        return (int) sum("SELECT count(*) FROM " + table);
    }

    @Test
    void aRegistrationThatFailsInTheDatabaseGivesItsInviteUseBack() throws Exception {
        store.createInvite(invite("00000000000000e1", "token-f", 1)).join();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TRIGGER refuse BEFORE INSERT ON devices"
                            + " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        }
        assertThrows(
                java.util.concurrent.CompletionException.class,
                () ->
                        store.registerWithInvite(
                                        ALICE_2.registration(1), sha256("token-f"), clock.millis())
                                .join());
        assertEquals(1, store.invites().join().get(0).usesLeft(), "the use was not taken");
        assertTrue(store.authKey(ALICE_2.address()).join().isEmpty());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER refuse");
        }
        assertEquals(
                InviteOutcome.REGISTERED,
                store.registerWithInvite(ALICE_2.registration(1), sha256("token-f"), clock.millis())
                        .join());
        assertEquals(0, store.invites().join().get(0).usesLeft());
    }
}
