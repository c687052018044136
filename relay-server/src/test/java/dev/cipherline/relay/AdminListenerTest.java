package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.admin.AdminToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener of a whole relay: /metrics scraped before and after real traffic over real
 * WebSockets, /healthz and /readyz, and the admin token.
 */
class AdminListenerTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newHttpClient();
    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("data"),
                                        Duration.ofDays(30),
                                        1000,
                                        64)
                                .withOperations(
                                        new Operations("127.0.0.1", 0, RegistrationPolicy.OPEN)),
                        Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = get(relay.adminUrl(), "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(
                response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return response.body();
    }

    /** The value of one sample, 0 if the series has not appeared yet. */
    private static double value(String text, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private void register(Vectors.Vector device) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                .POST(
                                        HttpRequest.BodyPublishers.ofByteArray(
                                                codec.encodeJson(device.registration(2))))
                                .header("Content-Type", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
    }

    private static Frame.Send message(String id, Vectors.Vector to) {
        return new Frame.Send(
                id,
                Kind.MESSAGE,
                System.currentTimeMillis() + 60_000,
                null,
                List.of(
                        new Frame.Recipient(
                                to.accountId(),
                                to.deviceId(),
                                to.registrationId(),
                                new byte[100])));
    }

    @Test
    void countersMoveByWhatTheTrafficDid() throws Exception {
        String before = scrape();
        register(ALICE_1);
        register(BOB_1);
        String queued;
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1);
                WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            bob.expect(Frame.Synced.class);
            alice.expect(Frame.Synced.class);
            alice.send(message("m1", BOB_1));
            alice.expect(Frame.Accepted.class);
            alice.send(message("m1", BOB_1)); // a retry: accepted again, stored once
            alice.expect(Frame.Accepted.class);
            alice.send(message("m2", ALICE_2)); // alice has no device 2
            alice.expect(Frame.MismatchedDevices.class);
            Frame.Deliver deliver = bob.expect(Frame.Deliver.class);
            queued = scrape();
            bob.send(new Frame.Ack(List.of(deliver.seq())));
            assertTrue(bob.quiet(Duration.ofMillis(300)));
        }
        String after = scrape();

        assertEquals(
                2, delta(before, after, "cipherline_relay_registrations_total{result=\"ok\"}"));
        assertEquals(
                2, delta(before, after, "cipherline_relay_authentications_total{result=\"ok\"}"));
        assertEquals(
                1, delta(before, after, "cipherline_relay_sends_accepted_total{kind=\"stored\"}"));
        assertEquals(
                1,
                delta(before, after, "cipherline_relay_sends_accepted_total{kind=\"duplicate\"}"));
        assertEquals(
                1,
                delta(
                        before,
                        after,
                        "cipherline_relay_sends_refused_total{reason=\"mismatched-devices\"}"));
        assertEquals(1, delta(before, after, "cipherline_relay_deliveries_total"));
        assertEquals(1, delta(before, after, "cipherline_relay_acks_total"));
        // the entry was queued at the middle scrape and gone at the last
        assertEquals(1, value(queued, "cipherline_relay_queue_entries"));
        assertEquals(100, value(queued, "cipherline_relay_queue_bytes"));
        assertEquals(0, value(after, "cipherline_relay_queue_entries"));
        // two registrations, two sends and one ack went through the writer, in some batches
        assertTrue(delta(before, after, "cipherline_relay_store_commit_batch_size_sum") >= 5);
        assertTrue(delta(before, after, "cipherline_relay_store_commit_seconds_count") >= 1);
        assertTrue(after.contains("jvm_memory_used_bytes"), "the JVM's metrics are served");
        assertTrue(after.contains("cipherline_relay_connections "));
        for (Vectors.Vector v : List.of(ALICE_1, BOB_1)) {
            assertFalse(after.contains(v.accountId()), "no account ID in the metrics");
        }
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    @Test
    void healthAndReadinessNeedNoTokenTheAdminApiDoes() throws Exception {
        HttpResponse<String> health = get(relay.adminUrl(), "/healthz");
        assertEquals(200, health.statusCode());
        HttpResponse<String> ready = get(relay.adminUrl(), "/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"store\":\"ok\""), ready.body());
        assertEquals(200, get(relay.url(), "/v1/health").statusCode());
        assertEquals(404, get(relay.url(), "/metrics").statusCode(), "not on the public port");

        HttpResponse<String> noToken = get(relay.adminUrl(), "/v1/admin/status");
        assertEquals(401, noToken.statusCode());
        HttpResponse<String> wrongToken =
                http.send(
                        HttpRequest.newBuilder(relay.adminUrl().resolve("/v1/admin/status"))
                                .header("Authorization", "Bearer not-the-token")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongToken.statusCode());

        Path tokenFile = dir.resolve("data").resolve(AdminToken.FILE_NAME);
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        HttpResponse<String> status =
                http.send(
                        HttpRequest.newBuilder(relay.adminUrl().resolve("/v1/admin/status"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"registration\":\"open\""), status.body());
        assertTrue(status.body().contains("\"queueEntries\":0"), status.body());
    }
}
