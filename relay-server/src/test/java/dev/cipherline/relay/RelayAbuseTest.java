package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile clients against a whole relay in-process: floods, too many connections, no reading. */
class RelayAbuseTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private RelayServer relay;

    private RelayServer start(int window, AbuseLimits abuse) throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("data"),
                                        Duration.ofDays(30),
                                        1000,
                                        window)
                                .withAbuse(abuse),
                        Clock.systemUTC());
        return relay;
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static AbuseLimits abuse(String addressRate, int maxConnections, Duration stall) {
        return new AbuseLimits(
                AbuseLimits.Rate.parse("1000/s"),
                AbuseLimits.Rate.parse(addressRate),
                maxConnections,
                stall,
                true);
    }

    private HttpResponse<String> register(HttpClient http, Vectors.Vector device) throws Exception {
        return http.send(
                HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArray(
                                        codec.encodeJson(device.registration(2))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<?, ?> json(HttpResponse<String> response) throws Exception {
        return codec.decodeJson(response.body().getBytes(StandardCharsets.UTF_8), Map.class);
    }

    /** Waits for a condition the relay reaches by itself; fails after ten seconds. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void aRegistrationFloodFromOneAddressIsRateLimited() throws Exception {
        start(64, abuse("3/h", 100, Duration.ofSeconds(30)));
        HttpClient http = HttpClient.newHttpClient();
        for (Vectors.Vector device : List.of(ALICE_1, ALICE_2, BOB_1)) {
            assertEquals(201, register(http, device).statusCode());
        }
        HttpResponse<String> flood = register(http, ALICE_1);
        assertEquals(429, flood.statusCode(), flood.body());
        assertEquals("rate-limited", json(flood).get("code"));
        long retryAfterMs = ((Number) json(flood).get("retryAfterMs")).longValue();
        assertTrue(retryAfterMs > 0 && retryAfterMs <= 1_200_000, "retry " + retryAfterMs);
        assertEquals(
                Long.toString((retryAfterMs + 999) / 1000),
                flood.headers().firstValue("Retry-After").orElseThrow());

        // the flooding address cannot open WebSockets either, but health checks still answer
        ExecutionException refused =
                assertThrows(ExecutionException.class, () -> new WsClient(relay.url()));
        WebSocketHandshakeException handshake =
                assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(429, handshake.getResponse().statusCode());
        HttpResponse<String> health =
                http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
    }

    @Test
    void connectionsOverTheCapAreRefusedWith503UntilOneCloses() throws Exception {
        start(64, abuse("1000/s", 2, Duration.ofSeconds(30)));
        URI url = relay.url();
        try (Socket first = new Socket(url.getHost(), url.getPort());
                Socket second = new Socket(url.getHost(), url.getPort())) {
            await("two connections are open", () -> relay.openConnections() == 2);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> refused =
                    http.send(
                            HttpRequest.newBuilder(url.resolve("/v1/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode());
            assertEquals("rate-limited", json(refused).get("code"));
            assertEquals("5", refused.headers().firstValue("Retry-After").orElseThrow());
            await("the refused connection is closed", () -> relay.openConnections() == 2);
            first.close();
            await("one connection is open", () -> relay.openConnections() == 1);
            HttpResponse<String> health =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(url.resolve("/v1/health")).build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void aClientThatNeverReadsIsDisconnectedAndLosesNothing() throws Exception {
        start(1000, abuse("1000/s", 100, Duration.ofMillis(500)));
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(201, register(http, ALICE_1).statusCode());
        assertEquals(201, register(http, BOB_1).statusCode());
        // far more than the kernel's socket buffers (up to tcp_wmem's maximum) and the water mark
        int messages =
                (int) Math.min(900, Math.max(160, (kernelSendBufferMax() + (4 << 20)) / 60_000));
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            for (int i = 0; i < messages; i++) {
                byte[] ciphertext = new byte[60_000];
                ciphertext[0] = (byte) i;
                alice.send(
                        new Frame.Send(
                                "m" + i,
                                Kind.MESSAGE,
                                System.currentTimeMillis() + 600_000,
                                null,
                                List.of(
                                        new Frame.Recipient(
                                                BOB_1.accountId(),
                                                1,
                                                BOB_1.registrationId(),
                                                ciphertext))));
                alice.expect(Frame.Accepted.class);
            }
            int before = relay.openConnections();
            try (StallingClient bob = new StallingClient(relay.address())) {
                bob.authenticate(BOB_1);
                await(
                        "the relay drops the connection that does not read",
                        () -> relay.openConnections() == before);
            }
            // the relay itself is fine, and every message is still queued for Bob
            alice.send(new Frame.GetPreKeyCount("still-here"));
            alice.expect(Frame.PreKeyCount.class);
        }
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            List<String> ids = new ArrayList<>();
            Frame next;
            while (!((next = bob.next()) instanceof Frame.Synced)) {
                Frame.Deliver deliver = assertInstanceOf(Frame.Deliver.class, next);
                ids.add(deliver.clientMsgId());
                bob.send(new Frame.Ack(List.of(deliver.seq())));
            }
            assertEquals(messages, ids.size());
            assertEquals("m0", ids.get(0));
            assertEquals("m" + (messages - 1), ids.get(messages - 1));
        }
    }

    /** Linux's largest auto-tuned send buffer, or 4 MiB where that cannot be read. */
    private static long kernelSendBufferMax() {
        try {
            String[] wmem =
                    java.nio.file.Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem"))
                            .trim()
                            .split("\\s+");
            return Long.parseLong(wmem[wmem.length - 1]);
        } catch (java.io.IOException | RuntimeException e) {
            return 4 << 20;
        }
    }

    @Test
    void aDeviceFloodingRequestsIsAnsweredRateLimitedAndKeepsItsConnection() throws Exception {
        start(
                64,
                new AbuseLimits(
                        AbuseLimits.Rate.parse("5/h"),
                        AbuseLimits.Rate.parse("1000/s"),
                        100,
                        Duration.ofSeconds(30),
                        true));
        assertEquals(201, register(HttpClient.newHttpClient(), ALICE_1).statusCode());
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            for (int i = 0; i < 5; i++) {
                alice.send(new Frame.GetPreKeyCount("r" + i));
                alice.expect(Frame.PreKeyCount.class);
            }
            alice.send(new Frame.GetPreKeyCount("r5"));
            Frame.ErrorFrame limited = alice.expectError(ErrorCode.RATE_LIMITED);
            assertEquals("r5", limited.ref());
            assertTrue(limited.retryAfterMs() > 0);
            alice.send(new Frame.Ack(List.of(1L))); // acks pass, and the connection lives on
            assertTrue(alice.quiet(Duration.ofMillis(200)));
        }
    }
}
