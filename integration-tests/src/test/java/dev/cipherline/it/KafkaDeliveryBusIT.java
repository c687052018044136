package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.bench.internal.cluster.KafkaBroker;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.delivery.kafka.KafkaBusSettings;
import dev.cipherline.relay.internal.delivery.kafka.KafkaDeliveryBus;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceLeases.Holder;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two relay nodes' {@link KafkaDeliveryBus}es on one real Kafka broker, sharing one set of device
 * leases: wake-ups and ephemerals cross nodes, local devices never touch Kafka, a device moving to
 * another node closes its older connection, and an outage of the broker slows deliveries down
 * without stopping them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaDeliveryBusIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration QUIET = Duration.ofMillis(500);
    private static final AtomicInteger DEVICES = new AtomicInteger();

    @TempDir static Path dir;
    private static KafkaBroker broker;
    private static InMemoryDeviceLeases leases;
    private static KafkaDeliveryBus nodeA;
    private static KafkaDeliveryBus nodeB;

    @BeforeAll
    static void startCluster() throws Exception {
        broker = KafkaBroker.start(dir.resolve("kafka"));
        leases = new InMemoryDeviceLeases(Clock.systemUTC());
        nodeA = start("node-a");
        nodeB = start("node-b");
    }

    private static KafkaDeliveryBus start(String nodeId) {
        KafkaBusSettings settings =
                KafkaBusSettings.builder(broker.bootstrap(), nodeId)
                        .leaseDuration(Duration.ofMillis(1_500))
                        .fallbackPoll(Duration.ofMillis(300))
                        .healthCheck(Duration.ofMillis(300))
                        .build();
        return KafkaDeliveryBus.start(settings, leases, Clock.systemUTC());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, leases, broker}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Order(1)
    void aPublishOnOneNodeWakesTheDevicesConnectionOnTheOther() throws Exception {
        DeviceAddress bob = device();
        DeviceAddress carol = device();
        RecordingDeliveryListener onB = connect(nodeB, bob);
        RecordingDeliveryListener carolOnA = connect(nodeA, carol);

        nodeA.publish(bob, entries(5, 7));

        assertEquals(List.of(), onB.await("wake 7", WAIT));
        carolOnA.assertNoEvent(QUIET);
        onB.assertNoEvent(QUIET);
    }

    @Test
    @Order(2)
    void aDeviceConnectedToTheNodeIsWokenDirectlyWithoutKafka() throws Exception {
        DeviceAddress bob = device();
        RecordingDeliveryListener onA = connect(nodeA, bob);
        long produced = nodeA.recordsProduced();

        nodeA.publish(bob, entries(1, 3));

        onA.await("entries 1..3", Duration.ofMillis(1));
        assertEquals(produced, nodeA.recordsProduced());
    }

    @Test
    @Order(3)
    void anEphemeralCrossesNodesAndReachesOnlyItsDevice() throws Exception {
        DeviceAddress bob = device();
        RecordingDeliveryListener onB = connect(nodeB, bob);

        nodeA.forwardEphemeral(bob, typing("typing-42"));

        onB.await("ephemeral typing-42", WAIT);
        onB.assertNoEvent(QUIET);
    }

    @Test
    @Order(4)
    void connectingOnAnotherNodeClosesTheOlderConnectionThroughATakeoverRecord() throws Exception {
        DeviceAddress bob = device();
        RecordingDeliveryListener onA = connect(nodeA, bob);
        awaitHolder(bob, "node-a");
        long produced = nodeB.recordsProduced();

        RecordingDeliveryListener onB = connect(nodeB, bob);

        onA.await("replaced", WAIT);
        assertEquals(produced + 1, nodeB.recordsProduced(), "one takeover record");
        awaitHolder(bob, "node-b");
        onB.assertNoEvent(QUIET);

        // the device's wake-ups now go to node B only
        nodeA.publish(bob, entries(9, 9));
        onB.await("wake 9", WAIT);
        onA.assertNoEvent(QUIET);
    }

    @Test
    @Order(5)
    void leaseRenewalClosesAConnectionWhoseTakeoverRecordWasLost() throws Exception {
        DeviceAddress bob = device();
        RecordingDeliveryListener onA = connect(nodeA, bob);
        awaitHolder(bob, "node-a");

        // another node took the device, and its takeover record never arrived
        leases.claim(bob, new Holder("node-c", "node-c/x/1"), System.currentTimeMillis() + 60_000)
                .join();

        onA.await("replaced", WAIT);
        // node A no longer counts the device as its own: its wake-ups go to Kafka
        long produced = nodeA.recordsProduced();
        nodeA.publish(bob, entries(1, 1));
        assertEquals(produced + 1, nodeA.recordsProduced());
        onA.assertNoEvent(QUIET);
    }

    @Test
    @Order(6)
    void whileKafkaIsDownConnectionsPollTheStoreAndCrossNodeWakesResumeAfterwards()
            throws Exception {
        DeviceAddress bob = device();
        DeviceAddress dave = device();
        RecordingDeliveryListener bobOnA = connect(nodeA, bob);
        RecordingDeliveryListener daveOnB = connect(nodeB, dave);
        assertTrue(nodeA.connected());

        broker.stop();
        awaitTrue(() -> !nodeA.connected() && !nodeB.connected(), "both nodes see the outage");
        bobOnA.clear();
        bobOnA.await("wake " + Long.MAX_VALUE, WAIT);
        bobOnA.await("wake " + Long.MAX_VALUE, WAIT);

        broker.restart();
        awaitTrue(() -> nodeA.connected() && nodeB.connected(), "both nodes see Kafka again");
        // a record sent while the producer reconnects may be dropped (the store keeps the entries):
        // send again until one arrives
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (long seq = 100; ; seq++) {
            nodeA.publish(dave, entries(seq, seq));
            try {
                daveOnB.await("wake " + seq, Duration.ofSeconds(2));
                break;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
        }
        assertFalse(nodeB.recordsMalformed() > 0);
    }

    /** A new connection of {@code device} on {@code node}. */
    private static RecordingDeliveryListener connect(KafkaDeliveryBus node, DeviceAddress device) {
        RecordingDeliveryListener listener = new RecordingDeliveryListener();
        node.subscribe(device, listener);
        return listener;
    }

    private static void awaitHolder(DeviceAddress device, String nodeId) throws Exception {
        awaitTrue(
                () -> {
                    Optional<Holder> holder =
                            leases.holder(device, System.currentTimeMillis()).join();
                    return holder.isPresent() && holder.get().nodeId().equals(nodeId);
                },
                device + " held by " + nodeId);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(20); // polls a condition until its deadline
        }
    }

    private static DeviceAddress device() {
        return new DeviceAddress("d".repeat(32), DEVICES.incrementAndGet());
    }

    private static List<QueueEntry> entries(long first, long last) {
        List<QueueEntry> entries = new ArrayList<>();
        for (long seq = first; seq <= last; seq++) {
            entries.add(
                    new QueueEntry(
                            seq,
                            "a".repeat(32),
                            1,
                            "m" + seq,
                            Kind.MESSAGE,
                            1_700_000_000_000L,
                            Long.MAX_VALUE,
                            new byte[] {1, 2, 3}));
        }
        return entries;
    }

    private static Frame.Deliver typing(String id) {
        return new Frame.Deliver(
                0,
                "a".repeat(32),
                1,
                id,
                Kind.EPHEMERAL,
                1_700_000_000_000L,
                Long.MAX_VALUE,
                new byte[] {4, 5, 6});
    }
}
