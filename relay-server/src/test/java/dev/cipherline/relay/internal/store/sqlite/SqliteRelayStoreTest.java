package dev.cipherline.relay.internal.store.sqlite;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_1_REINSTALLED;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.PreKeyCounts;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.StoreClosedException;
import dev.cipherline.relay.internal.store.SweepResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteRelayStoreTest {
    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();
    private SqliteRelayStore store;

    @BeforeEach
    void open() throws Exception {
        store = StoreFixture.open(dir, clock, 5);
        store.register(ALICE_1.registration(3)).join();
        store.register(BOB_1.registration(3)).join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private SendRequest send(String clientMsgId, String text, Vectors.Vector... recipients) {
        List<Frame.Recipient> list = new ArrayList<>();
        for (Vectors.Vector r : recipients) {
            list.add(
                    new Frame.Recipient(
                            r.accountId(),
                            r.deviceId(),
                            r.registrationId(),
                            (text + "->" + r.deviceId()).getBytes(StandardCharsets.UTF_8)));
        }
        long now = clock.millis();
        return new SendRequest(ALICE_1.address(), clientMsgId, now, now + 60_000, null, list);
    }

    private static String text(QueueEntry entry) {
        return new String(entry.ciphertext(), StandardCharsets.UTF_8);
    }

    @Test
    void entriesComeBackInSendOrderWithIncreasingSeqs() {
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class,
                    store.store(send("m" + i, "hello" + i, BOB_1)).join());
        }
        List<QueueEntry> all = store.read(BOB_1.address(), 0, 10).join();
        assertEquals(
                List.of("hello0->1", "hello1->1", "hello2->1", "hello3->1"),
                all.stream().map(SqliteRelayStoreTest::text).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), all.stream().map(QueueEntry::seq).toList());
        QueueEntry first = all.get(0);
        assertEquals(ALICE_1.accountId(), first.sender());
        assertEquals(1, first.senderDevice());
        assertEquals("m0", first.clientMsgId());

        assertEquals(
                List.of(3L, 4L),
                store.read(BOB_1.address(), 2, 10).join().stream().map(QueueEntry::seq).toList());
        assertEquals(2, store.read(BOB_1.address(), 0, 2).join().size());
        assertEquals(4L, store.lastSeq(BOB_1.address()).join());
    }

    @Test
    void aResendOfTheSameClientMsgIdStoresNothing() {
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("same", "a", BOB_1)).join());
        assertInstanceOf(SendOutcome.Duplicate.class, store.store(send("same", "a", BOB_1)).join());
        assertEquals(1, store.read(BOB_1.address(), 0, 10).join().size());
        assertEquals(1, countRows("queue"));
    }

    @Test
    void ackDeletesOnlyTheDevicesOwnEntriesAndTheirBodies() {
        store.store(send("m1", "x", BOB_1)).join();
        store.register(ALICE_2.registration(0)).join();
        SendRequest toAlice2 =
                new SendRequest(
                        BOB_1.address(),
                        "b1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        null,
                        List.of(
                                new Frame.Recipient(ALICE_1.accountId(), 1, 1001, new byte[] {1}),
                                new Frame.Recipient(ALICE_2.accountId(), 2, 1002, new byte[] {2})));
        store.store(toAlice2).join();

        // Alice's device 2 acks seq 1, which is also the seq of Bob's entry: Bob's stays
        assertEquals(1, store.ack(ALICE_2.address(), List.of(1L, 99L)).join());
        assertEquals(1, store.read(BOB_1.address(), 0, 10).join().size());
        assertEquals(0, store.read(ALICE_2.address(), 0, 10).join().size());
        assertEquals(1, store.read(ALICE_1.address(), 0, 10).join().size());
        assertEquals(2, countRows("queue"));
        assertEquals(0, countRows("bodies"), "one device's ciphertext lives in its entry");

        assertEquals(1, store.ack(BOB_1.address(), List.of(1L)).join());
        assertEquals(1, countRows("queue"));
    }

    @Test
    void anAckOfRunsAndGapsDeletesExactlyTheAckedSeqs() throws Exception {
        store.close();
        store = StoreFixture.open(dir, clock, 10); // a quota above the six sends
        for (int i = 1; i <= 6; i++) {
            store.store(send("r" + i, "x", BOB_1)).join();
        }
        assertEquals(4, store.ack(BOB_1.address(), List.of(5L, 2L, 1L, 3L, 3L, 9L)).join());
        assertEquals(
                List.of(4L, 6L),
                store.read(BOB_1.address(), 0, 10).join().stream().map(QueueEntry::seq).toList());
        assertEquals(0, store.ack(BOB_1.address(), List.of(7L, 8L)).join());
        assertEquals(2, store.ack(BOB_1.address(), List.of(4L, 6L)).join());
        assertEquals(0, countRows("queue"));
    }

    @Test
    void aSharedBodyIsStoredOnceForAllItsRecipients() {
        store.register(ALICE_2.registration(0)).join();
        byte[] body = Vectors.fake(4096, 7);
        List<Frame.Recipient> recipients =
                List.of(
                        new Frame.Recipient(ALICE_1.accountId(), 1, 1001, null),
                        new Frame.Recipient(ALICE_2.accountId(), 2, 1002, null));
        SendRequest shared =
                new SendRequest(
                        BOB_1.address(),
                        "g1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        body,
                        recipients);
        SendOutcome.Stored stored =
                assertInstanceOf(SendOutcome.Stored.class, store.store(shared).join());
        assertEquals(2, stored.entries().size());
        assertEquals(1, countRows("bodies"));
        assertEquals(2, countRows("queue"));
        assertArrayEquals(body, store.read(ALICE_2.address(), 0, 1).join().get(0).ciphertext());
        assertArrayEquals(body, store.read(ALICE_1.address(), 0, 1).join().get(0).ciphertext());

        store.ack(ALICE_1.address(), List.of(1L)).join();
        assertEquals(1, countRows("bodies"), "the body stays while a recipient still needs it");
        store.ack(ALICE_2.address(), List.of(1L)).join();
        assertEquals(0, countRows("bodies"));
    }

    @Test
    void aGroupMessageToAThousandDevicesStoresOneBodyAndSmallEntries() {
        // the store does not check registrations' signatures (the HTTP API does): fake accounts
        List<Frame.Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Vectors.Vector v = ALICE_1;
            String account = fakeAccountId(i);
            store.register(
                            new Vectors.Vector(
                                            account,
                                            1,
                                            v.registrationId(),
                                            v.identityKeyHex(),
                                            v.authKeyHex(),
                                            v.authPrivatePkcs8Hex(),
                                            v.signatureHex())
                                    .registration(0))
                    .join();
            recipients.add(new Frame.Recipient(account, 1, v.registrationId(), null));
        }
        byte[] body = Vectors.fake(4096, 9);
        long before = sum("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size");
        SendOutcome.Stored stored =
                assertInstanceOf(
                        SendOutcome.Stored.class,
                        store.store(
                                        new SendRequest(
                                                BOB_1.address(),
                                                "group-1000",
                                                clock.millis(),
                                                clock.millis() + 60_000,
                                                body,
                                                recipients))
                                .join());
        assertEquals(1_000, stored.entries().size());
        assertEquals(1, countRows("bodies"), "one body for every recipient");
        assertEquals(1_000, countRows("queue"));
        assertEquals(4096, sum("SELECT SUM(length(data)) FROM bodies"));
        // a queue entry holds the body's ID and the envelope's small header fields, not the body:
        // the whole file (entries, their two indexes, the body) grows by a few hundred KB at most
        long grown =
                sum("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
                        - before;
        assertTrue(grown / 1_000 < 256, "bytes per extra recipient: " + grown / 1_000);
        assertArrayEquals(
                body,
                store.read(new DeviceAddress(fakeAccountId(999), 1), 0, 1)
                        .join()
                        .get(0)
                        .ciphertext());

        // the quota counts one entry per recipient queue, not a copy of the body: each of the
        // 1,000 queues (quota 5 here) holds one entry and takes four more
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class,
                    store.store(
                                    new SendRequest(
                                            BOB_1.address(),
                                            "group-more-" + i,
                                            clock.millis(),
                                            clock.millis() + 60_000,
                                            body,
                                            recipients.subList(0, 10)))
                            .join());
        }
        assertEquals(5, countRows("bodies"));
    }

    private static String fakeAccountId(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            id.append(alphabet.charAt(n % 32));
            n /= 32;
        }
        return id.toString();
    }

    private long sum(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void wrongDeviceListsAreReportedAndStoreNothing() {
        store.register(ALICE_2.registration(0)).join();
        SendRequest stale =
                new SendRequest(
                        BOB_1.address(),
                        "b1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        null,
                        List.of(
                                new Frame.Recipient(ALICE_1.accountId(), 1, 999, new byte[] {1}),
                                new Frame.Recipient(ALICE_1.accountId(), 7, 1, new byte[] {2})));
        SendOutcome.Mismatched mismatched =
                assertInstanceOf(SendOutcome.Mismatched.class, store.store(stale).join());
        Frame.DeviceMismatch m = mismatched.mismatches().get(0);
        assertEquals(List.of(2), m.missing());
        assertEquals(List.of(7), m.extra());
        assertEquals(List.of(1), m.stale());
        assertEquals(0, countRows("queue"));
        assertEquals(0, countRows("bodies"));

        // the same clientMsgId is not remembered: fixed, it is stored
        SendRequest fixed =
                new SendRequest(
                        BOB_1.address(),
                        "b1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        null,
                        List.of(
                                new Frame.Recipient(ALICE_1.accountId(), 1, 1001, new byte[] {1}),
                                new Frame.Recipient(ALICE_2.accountId(), 2, 1002, new byte[] {2})));
        assertInstanceOf(SendOutcome.Stored.class, store.store(fixed).join());
    }

    @Test
    void theSendersOwnDeviceNeedNotBeAddressed() {
        store.register(ALICE_2.registration(0)).join();
        // Alice 1 writes to her other device only
        assertInstanceOf(
                SendOutcome.Stored.class, store.store(send("self", "sync", ALICE_2)).join());
    }

    @Test
    void anAccountWithoutDevicesIsAnUnknownRecipient() {
        SendRequest request =
                new SendRequest(
                        ALICE_1.address(),
                        "u1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        null,
                        List.of(
                                new Frame.Recipient(
                                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, 1, new byte[] {1})));
        SendOutcome.UnknownRecipient unknown =
                assertInstanceOf(SendOutcome.UnknownRecipient.class, store.store(request).join());
        assertEquals("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", unknown.accountId());
    }

    @Test
    void aFullQueueRefusesNewEntriesUntilAcked() {
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class, store.store(send("q" + i, "x", BOB_1)).join());
        }
        SendOutcome.QuotaExceeded full =
                assertInstanceOf(
                        SendOutcome.QuotaExceeded.class,
                        store.store(send("q5", "x", BOB_1)).join());
        assertEquals(BOB_1.address(), full.device());
        assertEquals(5, countRows("queue"));
        store.ack(BOB_1.address(), List.of(1L)).join();
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("q5", "x", BOB_1)).join());
    }

    @Test
    void expiredEntriesAreNeverReadAndAreSwept() {
        long now = clock.millis();
        byte[] shared = {7, 7};
        store.store(
                        new SendRequest(
                                ALICE_1.address(),
                                "e1",
                                now,
                                now + 60_000,
                                shared,
                                List.of(new Frame.Recipient(BOB_1.accountId(), 1, 2001, null))))
                .join();
        store.store(
                        new SendRequest(
                                ALICE_1.address(),
                                "e2",
                                now,
                                now + 3_600_000,
                                null,
                                List.of(
                                        new Frame.Recipient(
                                                BOB_1.accountId(), 1, 2001, new byte[] {9}))))
                .join();
        store.store(send("e3", "also-kept", BOB_1)).join(); // expires with e1, at +60 s

        clock.advance(Duration.ofSeconds(61));
        List<QueueEntry> left = store.read(BOB_1.address(), 0, 10).join();
        assertEquals(List.of("e2"), left.stream().map(QueueEntry::clientMsgId).toList());

        SweepResult swept = store.sweep().join();
        assertEquals(2, swept.entries());
        assertEquals(1, swept.bodies(), "the shared body of e1");
        assertEquals(1, countRows("queue"));
        assertEquals(0, countRows("bodies"));
    }

    @Test
    void idempotencyRecordsAreForgottenAfterTheRetention() {
        store.store(send("old", "x", BOB_1)).join();
        clock.advance(Duration.ofDays(31));
        assertEquals(1, store.sweep().join().sendIds());
        assertEquals(0, countRows("accepted_sends"));
        // forgotten, so the same clientMsgId is a new send now
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("old", "x", BOB_1)).join());
    }

    @Test
    void aRefusedSendLeavesNoIdempotencyRecord() {
        SendRequest wrongDevice =
                new SendRequest(
                        ALICE_1.address(),
                        "r1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        null,
                        List.of(new Frame.Recipient(BOB_1.accountId(), 9, 1, new byte[] {1})));
        assertInstanceOf(SendOutcome.Mismatched.class, store.store(wrongDevice).join());
        assertEquals(0, countRows("accepted_sends"));
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("r1", "x", BOB_1)).join());
    }

    @Test
    void oneTimePreKeysAreHandedOutOnceThenTheLastResortKyberKey() {
        Set<Integer> ecSeen = new HashSet<>();
        Set<Integer> kyberSeen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            List<Frame.PreKeyBundle> bundles = store.takeBundles(BOB_1.accountId()).join();
            assertEquals(1, bundles.size());
            Frame.PreKeyBundle b = bundles.get(0);
            assertEquals(2001, b.registrationId());
            assertArrayEquals(BOB_1.identityKey(), b.identityKey());
            assertTrue(ecSeen.add(b.oneTimePreKey().id()), "EC prekey handed out twice");
            assertTrue(kyberSeen.add(b.kyberPreKey().id()), "Kyber prekey handed out twice");
            assertNotEquals(2, b.kyberPreKey().id());
        }
        assertEquals(new PreKeyCounts(0, 0), store.preKeyCounts(BOB_1.address()).join());
        Frame.PreKeyBundle exhausted = store.takeBundles(BOB_1.accountId()).join().get(0);
        assertNull(exhausted.oneTimePreKey());
        assertEquals(2, exhausted.kyberPreKey().id(), "the last-resort key");
        assertEquals(2, store.takeBundles(BOB_1.accountId()).join().get(0).kyberPreKey().id());

        store.uploadPreKeys(
                        BOB_1.address(),
                        new Frame.UploadPreKeys(
                                "r1",
                                null,
                                new Frame.SignedPreKey(
                                        9, Vectors.fake(1569, 9), Vectors.fake(64, 9)),
                                List.of(new Frame.PreKey(500, Vectors.fake(33, 5))),
                                List.of()))
                .join();
        assertEquals(new PreKeyCounts(1, 0), store.preKeyCounts(BOB_1.address()).join());
        Frame.PreKeyBundle refilled = store.takeBundles(BOB_1.accountId()).join().get(0);
        assertEquals(500, refilled.oneTimePreKey().id());
        assertEquals(9, refilled.kyberPreKey().id(), "the new last-resort key replaced the old");
        assertTrue(store.takeBundles("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").join().isEmpty());
    }

    @Test
    void reRegistrationReplacesKeysAndEmptiesTheQueue() {
        SendRequest toAlice =
                new SendRequest(
                        BOB_1.address(),
                        "b1",
                        clock.millis(),
                        clock.millis() + 60_000,
                        null,
                        List.of(new Frame.Recipient(ALICE_1.accountId(), 1, 1001, new byte[] {1})));
        store.store(toAlice).join();
        store.register(ALICE_1_REINSTALLED.registration(1)).join();

        assertTrue(store.read(ALICE_1.address(), 0, 10).join().isEmpty());
        assertEquals(0, countRows("bodies"));
        assertArrayEquals(
                ALICE_1_REINSTALLED.authKey(),
                store.authKey(ALICE_1.address()).join().orElseThrow());
        assertEquals(new PreKeyCounts(1, 1), store.preKeyCounts(ALICE_1.address()).join());
        // seqs keep increasing across the reinstall, so an old ack cannot delete a new entry
        store.store(
                        new SendRequest(
                                BOB_1.address(),
                                "b2",
                                clock.millis(),
                                clock.millis() + 60_000,
                                null,
                                List.of(
                                        new Frame.Recipient(
                                                ALICE_1.accountId(), 1, 1003, new byte[] {2}))))
                .join();
        assertEquals(2L, store.read(ALICE_1.address(), 0, 10).join().get(0).seq());
    }

    @Test
    void aReadEndsWithTheEntryThatReachesItsSize() {
        for (int i = 0; i < 5; i++) {
            store.store(send("b" + i, "entry" + i, BOB_1)).join(); // 9 bytes each: "entryN->1"
        }
        assertEquals(1, store.read(BOB_1.address(), 0, 10, 1).join().size(), "at least one");
        assertEquals(2, store.read(BOB_1.address(), 0, 10, 18).join().size());
        assertEquals(3, store.read(BOB_1.address(), 0, 10, 19).join().size());
        assertEquals(
                List.of(3L, 4L, 5L),
                store.read(BOB_1.address(), 2, 10, 1_000).join().stream()
                        .map(QueueEntry::seq)
                        .toList());
    }

    @Test
    void committedEntriesSurviveAReopen() throws Exception {
        store.store(send("d1", "durable", BOB_1)).join();
        store.close();
        store = StoreFixture.open(dir, clock, 5);
        assertEquals("durable->1", text(store.read(BOB_1.address(), 0, 10).join().get(0)));
        assertInstanceOf(
                SendOutcome.Duplicate.class, store.store(send("d1", "durable", BOB_1)).join());
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

        store = StoreFixture.open(dir, clock, 5);
        store.store(send("new2", "after", BOB_1)).join();
        assertEquals(
                List.of("inline->1", "after->1"),
                store.read(BOB_1.address(), 0, 10).join().stream()
                        .map(SqliteRelayStoreTest::text)
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

        store = StoreFixture.open(dir, clock, 5);
        store.store(send("k4", "four", BOB_1)).join();
        assertEquals(
                List.of("one->1", "two->1", "three->1", "four->1"),
                store.read(BOB_1.address(), 0, 10).join().stream()
                        .map(SqliteRelayStoreTest::text)
                        .toList());
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                store.read(BOB_1.address(), 0, 10).join().stream().map(QueueEntry::seq).toList());
        assertEquals(
                List.of("two->" + ALICE_2.deviceId()),
                store.read(ALICE_2.address(), 0, 10).join().stream()
                        .map(SqliteRelayStoreTest::text)
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

    @Test
    void writesAfterDrainAreRefused() {
        store.drainWrites().join();
        CompletionException refused =
                org.junit.jupiter.api.Assertions.assertThrows(
                        CompletionException.class,
                        () -> store.store(send("late", "x", BOB_1)).join());
        assertInstanceOf(StoreClosedException.class, refused.getCause());
        assertEquals(0, store.read(BOB_1.address(), 0, 10).join().size(), "reads still work");
    }

    @Test
    void authKeyOfAnUnknownDeviceIsEmpty() {
        assertTrue(store.authKey(new DeviceAddress(BOB_1.accountId(), 9)).join().isEmpty());
    }

    private int countRows(String table) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("relay.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
