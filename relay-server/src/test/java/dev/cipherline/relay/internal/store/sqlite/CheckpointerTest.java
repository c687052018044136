package dev.cipherline.relay.internal.store.sqlite;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.internal.store.SendRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointerTest {
    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();

    @Test
    void committedPagesReachTheDatabaseFileWithoutTheWritersCheckpoint() throws Exception {
        SqliteRelayStore store = StoreFixture.open(dir, clock, 10_000);
        try {
            store.register(ALICE_1.registration(3)).join();
            store.register(BOB_1.registration(3)).join();
            Path db = dir.resolve(SqliteRelayStore.FILE_NAME);
            long before = Files.size(db);
            // about 500 pages of 4 KiB: far below the 10,000 after which the writer checkpoints
            for (int i = 0; i < 250; i++) {
                long now = clock.millis();
                Frame.Recipient to =
                        new Frame.Recipient(
                                BOB_1.accountId(),
                                BOB_1.deviceId(),
                                BOB_1.registrationId(),
                                new byte[8_000]);
                store.store(
                                new SendRequest(
                                        ALICE_1.address(),
                                        "c" + i,
                                        now,
                                        now + 60_000,
                                        null,
                                        List.of(to)))
                        .join();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(db) < before + 1_000_000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(
                    Files.size(db) >= before + 1_000_000,
                    "the background checkpoint copied the committed pages into " + db);
        } finally {
            store.close();
        }
        SqliteRelayStore reopened = StoreFixture.open(dir, clock, 10_000);
        try {
            assertEquals(250, reopened.read(BOB_1.address(), 0, 500).join().size());
        } finally {
            reopened.close();
        }
    }
}
