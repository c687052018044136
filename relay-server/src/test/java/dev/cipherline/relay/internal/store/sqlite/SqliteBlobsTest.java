package dev.cipherline.relay.internal.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.store.BlobQuotaException;
import dev.cipherline.relay.internal.store.BlobRecord;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteBlobsTest {
    private static final DeviceAddress ALICE = new DeviceAddress(Vectors.ALICE_1.accountId(), 1);
    private static final DeviceAddress BOB = new DeviceAddress(Vectors.BOB_1.accountId(), 1);

    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();

    private static BlobRecord blob(String id, long size, long expiresAt) {
        return new BlobRecord(id, ALICE, size, 0, 0, expiresAt, List.of(BOB));
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(43);
    }

    @Test
    void bytesSurviveAReopenAndTheSweepDeletesExpiredBlobsWithTheirFiles() throws Exception {
        try (SqliteRelayStore store = StoreFixture.open(dir, clock, 100)) {
            BlobStore blobs = store.blobs();
            BlobRecord a = blobs.create(blob(id('a'), 5, 1_000), 100).join();
            blobs.create(blob(id('b'), 5, 5_000), 100).join();
            try (BlobStore.Sink sink = blobs.append(a, 0)) {
                sink.write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5}));
                assertTrue(sink.commit().join().complete());
            }
        }
        try (SqliteRelayStore store = StoreFixture.open(dir, clock, 100)) {
            BlobStore blobs = store.blobs();
            BlobRecord a = blobs.find(id('a')).join().orElseThrow();
            assertEquals(5, a.offset());
            assertEquals(List.of(BOB), a.recipients());
            ByteBuf read = Unpooled.buffer(10);
            try (BlobStore.Source source = blobs.read(a, 1)) {
                assertEquals(4, source.read(read));
                assertEquals(-1, source.read(read));
            }
            byte[] got = new byte[4];
            read.readBytes(got);
            assertArrayEquals(new byte[] {2, 3, 4, 5}, got);

            assertEquals(1, blobs.sweep(1_000).join());
            assertTrue(blobs.find(id('a')).join().isEmpty());
            assertFalse(Files.exists(dir.resolve("blobs").resolve(id('a'))));
            assertTrue(Files.exists(dir.resolve("blobs").resolve(id('b'))));
        }
    }

    @Test
    void theQuotaCountsEveryBlobNotDeletedYet() throws Exception {
        try (SqliteRelayStore store = StoreFixture.open(dir, clock, 100)) {
            BlobStore blobs = store.blobs();
            blobs.create(blob(id('a'), 60, 9_000), 100).join();
            CompletionException e =
                    assertThrows(
                            CompletionException.class,
                            () -> blobs.create(blob(id('b'), 41, 9_000), 100).join());
            assertTrue(e.getCause() instanceof BlobQuotaException);
            assertFalse(Files.exists(dir.resolve("blobs").resolve(id('b'))));
            assertTrue(blobs.release(id('a'), BOB).join());
            blobs.create(blob(id('b'), 41, 9_000), 100).join();
        }
    }

    @Test
    void aFileWithoutARowIsDeletedWhenTheStoreOpens() throws Exception {
        try (SqliteRelayStore store = StoreFixture.open(dir, clock, 100)) {
            store.blobs().create(blob(id('a'), 5, 9_000), 100).join();
        }
        Path orphan = dir.resolve("blobs").resolve(id('z'));
        Files.write(orphan, new byte[] {9});
        try (SqliteRelayStore store = StoreFixture.open(dir, clock, 100)) {
            assertFalse(Files.exists(orphan));
            assertTrue(Files.exists(dir.resolve("blobs").resolve(id('a'))));
        }
    }
}
