package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --data DIR --to FILE} while a sender keeps writing: the backup opens as a relay's
 * store and holds every envelope accepted before it began.
 */
class RelayBackupTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();

    private static RelayConfig config(Path data) {
        return new RelayConfig("127.0.0.1", 0, data, Duration.ofDays(30), 100_000, 256);
    }

    private void register(RelayServer relay, Vectors.Vector device) throws Exception {
        int status =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                        .POST(
                                                HttpRequest.BodyPublishers.ofByteArray(
                                                        codec.encodeJson(device.registration(2))))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
        assertEquals(201, status);
    }

    @Test
    void aBackupTakenDuringWritesOpensAndHoldsEveryAcceptedEnvelope() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("relay-backup.db");
        List<String> acceptedBeforeBackup;
        try (RelayServer relay = RelayServer.start(config(data), Clock.systemUTC())) {
            register(relay, ALICE_1);
            register(relay, BOB_1);
            List<String> accepted = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> sender;
            try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
                alice.expect(Frame.Synced.class);
                sender =
                        CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        for (int i = 0; !stop.get() && i < 5_000; i++) {
                                            alice.send(send(i));
                                            Frame.Accepted ok = alice.expect(Frame.Accepted.class);
                                            accepted.add(ok.clientMsgId());
                                        }
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (accepted.size() < 50 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                acceptedBeforeBackup = new ArrayList<>(accepted);
                int exit =
                        Main.backup(
                                List.of("--data", data.toString(), "--to", backup.toString()),
                                Map.of());
                assertEquals(0, exit);
                int duringBackup = accepted.size();
                // the sender keeps going after the backup too: the relay never paused
                while (accepted.size() < duringBackup + 20 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                stop.set(true);
                sender.get(30, TimeUnit.SECONDS);
            }
            assertTrue(acceptedBeforeBackup.size() >= 50, "accepted " + acceptedBeforeBackup);
        }
        assertTrue(Files.size(backup) > 0);

        // restore: the backup becomes relay.db of a new data directory
        Path restored = dir.resolve("restored");
        Files.createDirectories(restored);
        Files.copy(backup, restored.resolve("relay.db"));
        Set<String> delivered = new HashSet<>();
        try (RelayServer relay = RelayServer.start(config(restored), Clock.systemUTC());
                WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            Frame next;
            while (!((next = bob.next()) instanceof Frame.Synced)) {
                Frame.Deliver deliver = assertInstanceOf(Frame.Deliver.class, next);
                delivered.add(deliver.clientMsgId());
                bob.send(new Frame.Ack(List.of(deliver.seq())));
            }
        }
        for (String id : acceptedBeforeBackup) {
            assertTrue(delivered.contains(id), id + " was accepted before the backup");
        }
    }

    @Test
    void aBackupNeverOverwritesAndSaysWhy() throws Exception {
        Path data = dir.resolve("data");
        try (RelayServer relay = RelayServer.start(config(data), Clock.systemUTC())) {
            register(relay, ALICE_1);
        }
        Path existing = Files.writeString(dir.resolve("keep.db"), "precious");
        assertEquals(
                1,
                Main.backup(
                        List.of("--data", data.toString(), "--to", existing.toString()), Map.of()));
        assertEquals("precious", Files.readString(existing));
        assertEquals(2, Main.backup(List.of("--data", data.toString()), Map.of()));
        assertEquals(
                1,
                Main.backup(
                        List.of(
                                "--data",
                                dir.resolve("empty").toString(),
                                "--to",
                                dir.resolve("b.db").toString()),
                        Map.of()));
    }

    private static Frame.Send send(int i) {
        return new Frame.Send(
                "m" + i,
                Kind.MESSAGE,
                System.currentTimeMillis() + 600_000,
                null,
                List.of(
                        new Frame.Recipient(
                                BOB_1.accountId(),
                                1,
                                BOB_1.registrationId(),
                                new byte[] {(byte) i, 1, 2, 3})));
    }
}
