package dev.cipherline.relay.internal.store.mongo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.store.BlobQuotaException;
import dev.cipherline.relay.internal.store.BlobRecord;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.RelayStoreContractTest;
import dev.cipherline.relay.internal.store.StoreSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blobs in the MongoDB store, against mongo-java-server: pieces, resume, release, sweep, quota. */
class MongoBlobsTest {
    private static final DeviceAddress ALICE = new DeviceAddress(Vectors.ALICE_1.accountId(), 1);
    private static final DeviceAddress BOB = new DeviceAddress(Vectors.BOB_1.accountId(), 1);
    private static final DeviceAddress ALICE_2 = new DeviceAddress(Vectors.ALICE_1.accountId(), 2);

    private MongoServer server;
    private MongoRelayStore store;
    private final MutableClock clock = new MutableClock(RelayStoreContractTest.START);

    @BeforeEach
    void start() {
        Logger.getLogger("de.bwaldvogel").setLevel(Level.SEVERE);
        Logger.getLogger("org.mongodb.driver").setLevel(Level.SEVERE);
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        store =
                MongoRelayStore.open(
                        MongoSettings.of("mongodb://127.0.0.1:" + address.getPort(), "blobs_test")
                                .withTimeouts(Duration.ofSeconds(2)),
                        new StoreSettings(100, Duration.ofDays(30)),
                        clock);
    }

    @AfterEach
    void stop() {
        store.close();
        server.shutdownNow();
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(43);
    }

    private static BlobRecord blob(String id, long size, long expiresAt) {
        return new BlobRecord(id, ALICE, size, 0, 0, expiresAt, List.of(BOB, ALICE_2));
    }

    private static byte[] read(BlobStore blobs, BlobRecord b, long from) throws Exception {
        ByteBuf out = Unpooled.buffer();
        try (BlobStore.Source source = blobs.read(b, from)) {
            ByteBuf chunk = Unpooled.buffer(100_000);
            while (true) {
                chunk.clear();
                if (source.read(chunk) < 0) {
                    break;
                }
                out.writeBytes(chunk);
            }
        }
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    @Test
    void chunksResumeAtTheCommittedOffsetAndReadBackFromAnyOffset() throws Exception {
        BlobStore blobs = store.blobs();
        byte[] data = new byte[700_000];
        new Random(1).nextBytes(data);
        BlobRecord b = blobs.create(blob(id('a'), data.length, 9_000), 10_000_000).join();
        try (BlobStore.Sink sink = blobs.append(b, 0)) {
            sink.write(Unpooled.wrappedBuffer(data, 0, 300_000));
            b = sink.commit().join();
        }
        assertEquals(300_000, b.offset());
        // an upload cut short: pieces written past the offset, never committed
        try (BlobStore.Sink sink = blobs.append(b, 300_000)) {
            sink.write(Unpooled.wrappedBuffer(new byte[600_000], 0, 400_000));
        }
        assertEquals(300_000, blobs.find(id('a')).join().orElseThrow().offset());
        try (BlobStore.Sink sink = blobs.append(b, 300_000)) {
            sink.write(Unpooled.wrappedBuffer(data, 300_000, 400_000));
            b = sink.commit().join();
        }
        assertTrue(b.complete());
        assertArrayEquals(data, read(blobs, b, 0));
        assertArrayEquals(Arrays.copyOfRange(data, 555_555, data.length), read(blobs, b, 555_555));
    }

    @Test
    void theLastReleaseDeletesAndTheSweepDeletesExpiredOnes() {
        BlobStore blobs = store.blobs();
        blobs.create(blob(id('a'), 5, 9_000), 1_000).join();
        blobs.create(blob(id('b'), 5, 1_000), 1_000).join();
        assertFalse(blobs.release(id('a'), BOB).join());
        assertFalse(blobs.release(id('a'), BOB).join(), "a second release changes nothing");
        assertEquals(List.of(ALICE_2), blobs.find(id('a')).join().orElseThrow().recipients());
        assertTrue(blobs.release(id('a'), ALICE_2).join());
        assertTrue(blobs.find(id('a')).join().isEmpty());
        assertEquals(1, blobs.sweep(1_000).join());
        assertTrue(blobs.find(id('b')).join().isEmpty());
    }

    @Test
    void theQuotaCountsEveryBlobOfTheDevice() {
        BlobStore blobs = store.blobs();
        blobs.create(blob(id('a'), 60, 9_000), 100).join();
        CompletionException e =
                assertThrows(
                        CompletionException.class,
                        () -> blobs.create(blob(id('b'), 41, 9_000), 100).join());
        assertTrue(e.getCause() instanceof BlobQuotaException);
        assertTrue(blobs.delete(id('a')).join());
        blobs.create(blob(id('b'), 41, 9_000), 100).join();
    }
}
