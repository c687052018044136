package dev.cipherline.relay.internal.store.mongo;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceLeases.Holder;
import dev.cipherline.relay.internal.store.InviteOutcome;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.store.RelayStoreContractTest;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.StoreSettings;
import dev.cipherline.relay.internal.store.StoreUnavailableException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB store: the {@link RelayStoreContractTest contract} plus what only a store shared by
 * several nodes has. No {@code mongod} can be installed on the development machines, so the store
 * runs against mongo-java-server (an in-process server with its memory backend) on a loopback port,
 * reached by the real MongoDB driver over TCP. mongo-java-server does not check write concerns or
 * journaling and does not run the TTL monitor; the store uses only operations real MongoDB 6.0+
 * supports.
 */
class MongoRelayStoreTest extends RelayStoreContractTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** mongo-java-server and the driver log every collection, index and reconnect attempt. */
    private static final List<Logger> QUIET =
            List.of(Logger.getLogger("de.bwaldvogel"), Logger.getLogger("org.mongodb.driver"));

    private static MongoServer server;
    private static InetSocketAddress address;
    private static MongoClient inspector;

    private final String database = "cipherline_test_" + DATABASES.incrementAndGet();
    private final List<RelayStore> otherNodes = new ArrayList<>();

    /**
     * Whether the test's database is dropped after it: mongo-java-server cannot drop a database one
     * of whose indexes was rebuilt, and each test has a database of its own anyway.
     */
    private boolean dropDatabase = true;

    private static synchronized void startServer() {
        if (server == null) {
            QUIET.forEach(logger -> logger.setLevel(Level.SEVERE));
            server = new MongoServer(new MemoryBackend());
            address = server.bind();
            inspector = MongoClients.create(uri(address));
        }
    }

    private static String uri(InetSocketAddress at) {
        return "mongodb://127.0.0.1:" + at.getPort();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            inspector.close();
            server.shutdownNow();
            server = null;
        }
    }

    private MongoRelayStore openNode(MutableClock clock, int quota, String uri) {
        return MongoRelayStore.open(
                MongoSettings.of(uri, database).withTimeouts(Duration.ofSeconds(2)),
                new StoreSettings(quota, Duration.ofDays(30), sentNoticeCap),
                clock);
    }

    @Override
    protected RelayStore openStore(MutableClock clock, int quota) {
        startServer();
        return openNode(clock, quota, uri(address));
    }

    @Override
    protected long count(Stored what) {
        return db().getCollection(
                        switch (what) {
                            case ENTRIES -> "relay_entries";
                            case BODIES -> "relay_bodies";
                            case SEND_IDS -> "relay_sends";
                        })
                .countDocuments();
    }

    private MongoDatabase db() {
        return inspector.getDatabase(database);
    }

    @AfterEach
    void closeOtherNodesAndDropTheDatabase() {
        otherNodes.forEach(RelayStore::close);
        if (dropDatabase) {
            db().drop();
        }
    }

    private Map<String, Document> indexes(String collection) {
        Map<String, Document> byName = new HashMap<>();
        for (Document index : db().getCollection(collection).listIndexes()) {
            byName.put(index.getString("name"), index);
        }
        return byName;
    }

    private long ttlSeconds(String collection, String index) {
        return indexes(collection).get(index).get("expireAfterSeconds", Number.class).longValue();
    }

    @Test
    void openCreatesTheUniqueQueueIndexAndTtlIndexes() {
        Document deviceSeq = indexes("relay_entries").get("device_seq");
        assertEquals(new Document("device", 1).append("seq", 1), deviceSeq.get("key"));
        assertEquals(Boolean.TRUE, deviceSeq.getBoolean("unique"));
        // the sweep deletes entries and reports them; MongoDB's TTL monitor is a backstop a day
        // later, so that it never deletes an entry unreported
        assertEquals(Duration.ofDays(1).toSeconds(), ttlSeconds("relay_entries", "expiry"));
        assertEquals(0L, ttlSeconds("relay_bodies", "expiry"));
        assertEquals(Duration.ofDays(30).toSeconds(), ttlSeconds("relay_sends", "retention"));
        assertTrue(indexes("relay_devices").containsKey("account"));
        assertTrue(indexes("relay_prekeys").containsKey("device_kind"));
        assertEquals(
                Boolean.TRUE,
                indexes("relay_expiry_notices").get("device_id").getBoolean("unique"));
        // opening again (another node, a restart) keeps them
        otherNodes.add(openNode(clock, 5, uri(address)));
        assertEquals(deviceSeq, indexes("relay_entries").get("device_seq"));
    }

    @Test
    void aNewLongestExpiryChangesHowLongIdempotencyRecordsAreKept() {
        dropDatabase = false;
        otherNodes.add(
                MongoRelayStore.open(
                        MongoSettings.of(uri(address), database),
                        new StoreSettings(5, Duration.ofDays(7)),
                        clock));
        assertEquals(Duration.ofDays(7).toSeconds(), ttlSeconds("relay_sends", "retention"));
    }

    @Test
    void twoNodesSendingToOneDeviceGiveUniqueSeqsThatNeverAppearBelowWhatWasRead()
            throws Exception {
        store.close();
        store = openStore(clock, 1_000);
        RelayStore other = openNode(clock, 1_000, uri(address));
        otherNodes.add(other);
        int each = 60;
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (RelayStore node : List.of(store, other)) {
                String name = node == store ? "a" : "b";
                senders.add(
                        threads.submit(
                                () -> {
                                    for (int i = 0; i < each; i++) {
                                        assertInstanceOf(
                                                SendOutcome.Stored.class,
                                                node.store(send(name + i, "x", BOB_1)).join());
                                    }
                                    return null;
                                }));
            }
            Future<Integer> reader =
                    threads.submit(
                            () -> {
                                Set<Long> seen = new HashSet<>();
                                long highest = 0;
                                int reads = 0;
                                while (sending.get() || highest < 2L * each) {
                                    RelayStore node = reads % 2 == 0 ? store : other;
                                    long before = highest;
                                    for (QueueEntry e :
                                            node.read(BOB_1.address(), 0, 1_000).join()) {
                                        if (seen.add(e.seq())) {
                                            assertTrue(
                                                    e.seq() > before,
                                                    "seq " + e.seq() + " appeared after " + before);
                                            highest = Math.max(highest, e.seq());
                                        }
                                    }
                                    reads++;
                                }
                                return reads;
                            });
            for (Future<?> f : senders) {
                f.get();
            }
            sending.set(false);
            assertTrue(reader.get() > 0);
        } finally {
            threads.shutdownNow();
        }
        List<Long> seqs = seqs(store.read(BOB_1.address(), 0, 1_000).join());
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= 2L * each; s++) {
            expected.add(s);
        }
        assertEquals(expected, seqs, "every send stored once, seqs 1.." + 2 * each + " in order");
    }

    @Test
    void aSeqIsNeverReusedWhenAnotherNodeEmptiedTheQueue() {
        RelayStore other = openNode(clock, 5, uri(address));
        otherNodes.add(other);
        store.store(send("n1", "x", BOB_1)).join();
        store.store(send("n2", "x", BOB_1)).join();
        assertEquals(2, other.ack(BOB_1.address(), List.of(1L, 2L)).join());
        SendOutcome.Stored stored =
                assertInstanceOf(
                        SendOutcome.Stored.class, other.store(send("n3", "x", BOB_1)).join());
        assertEquals(List.of(3L), seqs(stored.entries().get(BOB_1.address())));
        assertEquals(3L, store.lastSeq(BOB_1.address()).join());
    }

    @Test
    void leasesNameTheLiveHolderAndReportTakenOverConnections() {
        MongoRelayStore leases = (MongoRelayStore) store;
        DeviceAddress bob = BOB_1.address();
        DeviceAddress alice = ALICE_1.address();
        long now = clock.millis();
        Holder first = new Holder("node-a", "conn-1");
        Holder second = new Holder("node-b", "conn-2");

        assertEquals(Optional.empty(), leases.claim(bob, first, now + 30_000).join());
        assertEquals(Optional.empty(), leases.claim(alice, first, now + 30_000).join());
        assertEquals(Optional.of(first), leases.holder(bob, now).join());
        // the device reconnects through node b: node a learns whose connection to close
        assertEquals(Optional.of(first), leases.claim(bob, second, now + 30_000).join());
        assertEquals(
                Set.of(bob),
                leases.renew("node-a", Map.of(bob, "conn-1", alice, "conn-1"), now + 60_000)
                        .join());
        assertEquals(Optional.of(first), leases.holder(alice, now + 45_000).join(), "renewed");
        assertEquals(Optional.of(second), leases.holder(bob, now).join());

        // a release by the replaced connection leaves the new lease alone
        leases.release(bob, first).join();
        assertEquals(Optional.of(second), leases.holder(bob, now).join());
        // a lapsed lease holds nothing, and claiming over it reports no previous holder
        assertEquals(Optional.empty(), leases.holder(bob, now + 30_000).join());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(Optional.empty(), leases.claim(bob, first, now + 90_000).join());
        assertEquals(Optional.of(first), leases.holder(bob, clock.millis()).join());
        leases.release(bob, first).join();
        assertEquals(Optional.empty(), leases.holder(bob, clock.millis()).join());
    }

    @Test
    void openingADatabaseThatIsNotThereFailsAsUnavailable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StoreUnavailableException failed =
                assertThrows(
                        StoreUnavailableException.class,
                        () -> openNode(clock, 5, "mongodb://127.0.0.1:" + port));
        assertEquals("the store is unreachable", failed.getMessage());
    }

    @Test
    void aStoppedDatabaseFailsRequestsAsUnavailableAndTheStoreRecoversWhenItIsBack()
            throws Exception {
        MongoServer own = new MongoServer(new MemoryBackend());
        InetSocketAddress at = own.bind();
        RelayStore node = openNode(clock, 5, uri(at));
        otherNodes.add(node);
        node.register(ALICE_1.registration(0)).join();
        node.register(BOB_1.registration(0)).join();
        assertInstanceOf(SendOutcome.Stored.class, node.store(send("u1", "x", BOB_1)).join());

        own.shutdownNow();
        CompletionException failed =
                assertThrows(
                        CompletionException.class, () -> node.store(send("u2", "x", BOB_1)).join());
        assertInstanceOf(StoreUnavailableException.class, failed.getCause());
        assertEquals("the store is unreachable", failed.getCause().getMessage());
        assertInstanceOf(
                StoreUnavailableException.class,
                assertThrows(CompletionException.class, () -> node.lastSeq(BOB_1.address()).join())
                        .getCause());

        // a new server on the same port: the memory backend starts empty, so register again
        MongoServer again = new MongoServer(new MemoryBackend());
        again.bind("127.0.0.1", at.getPort());
        try {
            node.register(ALICE_1.registration(0)).join();
            node.register(BOB_1.registration(0)).join();
            assertInstanceOf(SendOutcome.Stored.class, node.store(send("u2", "x", BOB_1)).join());
            assertEquals(1, node.read(BOB_1.address(), 0, 10).join().size());
        } finally {
            node.close();
            otherNodes.remove(node);
            again.shutdownNow();
        }
    }

    @Test
    void aRegistrationThatFailsInTheDatabaseGivesItsInviteUseBack() {
        store.createInvite(invite("00000000000000e1", "token-f", 1)).join();
        // a unique index the relay never makes: Alice's device 2 shares device 1's identity key
        db().getCollection("relay_devices")
                .createIndex(
                        new Document("identityKey", 1),
                        new com.mongodb.client.model.IndexOptions().unique(true).name("test"));
        Vectors.Vector alice2 = Vectors.ALICE_2;
        assertThrows(
                CompletionException.class,
                () ->
                        store.registerWithInvite(
                                        alice2.registration(1), sha256("token-f"), clock.millis())
                                .join());
        assertEquals(1, store.invites().join().get(0).usesLeft(), "the use was given back");
        db().getCollection("relay_devices").dropIndex("test");
        assertEquals(
                InviteOutcome.REGISTERED,
                store.registerWithInvite(alice2.registration(1), sha256("token-f"), clock.millis())
                        .join());
        assertEquals(0, store.invites().join().get(0).usesLeft());
    }
}
