package dev.cipherline.relay.internal.delivery.kafka;

import static dev.cipherline.relay.internal.delivery.kafka.BusCodecTest.BOB;
import static dev.cipherline.relay.internal.delivery.kafka.BusCodecTest.TYPING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Ephemeral;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Takeover;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Wake;
import dev.cipherline.relay.internal.delivery.kafka.LocalConnections.Subscription;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboxTest {
    private static final DeviceAddress CAROL = new DeviceAddress("c".repeat(32), 1);

    private final BusCodec codec = new BusCodec(new FrameCodec());
    private final LocalConnections connections = new LocalConnections("node-a", "run1");
    private final Inbox inbox = new Inbox(connections, codec);
    private final Recording bob = new Recording();

    @Test
    void wakeAndEphemeralReachTheLocalConnectionOfTheirDevice() {
        connections.subscribe(BOB, bob);
        inbox.accept(codec.encode(new Wake("node-b", BOB, 17)));
        inbox.accept(codec.encode(new Wake("node-b", CAROL, 18)));
        inbox.accept(codec.encode(new Ephemeral("node-b", BOB, TYPING)));
        assertEquals(List.of("wake 17", "ephemeral typing-1"), bob.events);
    }

    @Test
    void malformedRecordsAreCountedAndSkipped() {
        connections.subscribe(BOB, bob);
        inbox.accept(new byte[] {1, 1, 0});
        inbox.accept(null);
        inbox.accept("garbage".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        inbox.accept(codec.encode(new Wake("node-b", BOB, 5)));
        assertEquals(3, inbox.malformed());
        assertEquals(List.of("wake 5"), bob.events);
    }

    @Test
    void takeoverClosesOnlyTheConnectionItNames() {
        Subscription first = connections.subscribe(BOB, bob);
        String firstId = connections.connectionId(first);
        Recording newer = new Recording();
        Subscription second = connections.subscribe(BOB, newer);
        assertEquals(List.of("replaced"), bob.events);

        // a late takeover of the first connection leaves the newer one open
        inbox.accept(codec.encode(new Takeover("node-b", BOB, firstId, "node-b/r/1")));
        assertEquals(List.of(), newer.events);
        assertSame(newer, connections.listener(BOB));

        inbox.accept(
                codec.encode(
                        new Takeover(
                                "node-b", BOB, connections.connectionId(second), "node-b/r/2")));
        assertEquals(List.of("replaced"), newer.events);
        assertNull(connections.listener(BOB));
    }

    @Test
    void connectionIdsAreUniquePerSubscriptionAndRun() {
        Subscription one = connections.subscribe(BOB, bob);
        Subscription two = connections.subscribe(CAROL, new Recording());
        LocalConnections nextRun = new LocalConnections("node-a", "run2");
        Subscription again = nextRun.subscribe(BOB, bob);
        List<String> ids =
                List.of(
                        connections.connectionId(one),
                        connections.connectionId(two),
                        nextRun.connectionId(again));
        assertEquals(3, ids.stream().distinct().count(), ids.toString());
    }

    /** Records what the bus told a connection. */
    static final class Recording implements DeliveryListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void newEntries(List<QueueEntry> entries) {
            events.add("entries " + entries.size());
        }

        @Override
        public void wake(long lastSeq) {
            events.add("wake " + lastSeq);
        }

        @Override
        public void ephemeral(Frame.Deliver deliver) {
            events.add("ephemeral " + deliver.clientMsgId());
        }

        @Override
        public void replaced() {
            events.add("replaced");
        }
    }
}
