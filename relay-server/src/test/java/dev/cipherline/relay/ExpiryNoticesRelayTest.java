package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry notices through a whole relay: an envelope that expires unread is reported to its sending
 * device at once (it is connected) and to its recipient device when that one connects, before
 * {@code synced}; a notice comes again until acknowledged, and not after, across a restart.
 */
class ExpiryNoticesRelayTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay = open();
        register(ALICE_1);
        register(BOB_1);
    }

    private RelayServer open() throws Exception {
        return RelayServer.start(
                new RelayConfig("127.0.0.1", 0, dir.resolve("data"), Duration.ofDays(30), 1000, 64)
                        .withOperations(
                                Operations.EMBEDDED.withSweepInterval(Duration.ofMillis(20))),
                clock);
    }

    @AfterEach
    void stop() {
        relay.close();
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

    private Frame.Send toBob(String id) {
        return new Frame.Send(
                id,
                Kind.MESSAGE,
                clock.millis() + 60_000,
                null,
                List.of(
                        new Frame.Recipient(
                                BOB_1.accountId(),
                                BOB_1.deviceId(),
                                BOB_1.registrationId(),
                                new byte[] {1, 2, 3})));
    }

    /**
     * Waits until the store committed what the client sent before: an ack is not answered, but the
     * store's one writer commits it before this upload (of nothing), which is.
     */
    private static void committed(WsClient client) throws Exception {
        client.send(new Frame.UploadPreKeys("sync", null, null, List.of(), List.of()));
        assertEquals("sync", client.expect(Frame.Ok.class).requestId(), "an ack is not answered");
    }

    @Test
    void theSenderHearsAtOnceTheRecipientWhenItConnectsAndAnAckEndsBoth() throws Exception {
        long expiresAt;
        Frame.Expired expired;
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            Frame.Send send = toBob("m1");
            expiresAt = send.expiresAt();
            alice.send(send);
            alice.expect(Frame.Accepted.class);

            clock.advance(Duration.ofSeconds(61));
            expired = alice.expect(Frame.Expired.class);
            assertEquals(
                    new Frame.Expired(expired.id(), "m1", BOB_1.accountId(), 1, expiresAt),
                    expired);
        }
        // not acknowledged: it comes again on the next connection, before synced
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            assertEquals(expired, alice.expect(Frame.Expired.class));
            alice.expect(Frame.Synced.class);
            alice.useText()
                    .send(new Frame.AckExpired(List.of(new Frame.NoticeAck(expired.id(), 1))));
            committed(alice);
        }

        relay.close();
        relay = open();
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            Frame.ExpiredSummary summary = bob.expect(Frame.ExpiredSummary.class);
            assertEquals(ALICE_1.accountId(), summary.sender());
            assertEquals(1, summary.senderDevice());
            assertEquals(1, summary.count());
            assertEquals(expiresAt, summary.firstExpiresAt());
            assertEquals(expiresAt, summary.lastExpiresAt());
            bob.expect(Frame.Synced.class); // the expired envelope itself is never delivered
            bob.send(
                    new Frame.AckExpired(
                            List.of(new Frame.NoticeAck(summary.id(), summary.count()))));
            committed(bob);
        }
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1);
                WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            bob.expect(Frame.Synced.class);
            alice.expect(Frame.Synced.class);
            assertTrue(bob.quiet(Duration.ofMillis(200)));
            assertTrue(alice.quiet(Duration.ofMillis(100)));
        }
    }

    @Test
    void anEnvelopeAcknowledgedInTimeAndAnEphemeralOneNeverMakeANotice() throws Exception {
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1);
                WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            alice.expect(Frame.Synced.class);
            bob.expect(Frame.Synced.class);
            alice.send(toBob("m1"));
            alice.expect(Frame.Accepted.class);
            Frame.Deliver deliver = bob.expect(Frame.Deliver.class);
            bob.send(new Frame.Ack(List.of(deliver.seq())));
            Frame.Send typing = toBob("t1");
            alice.send(
                    new Frame.Send(
                            "t1", Kind.EPHEMERAL, typing.expiresAt(), null, typing.recipients()));
            alice.expect(Frame.Accepted.class);
            bob.expect(Frame.Deliver.class);
            assertTrue(bob.quiet(Duration.ofMillis(200)), "the ack was stored");

            clock.advance(Duration.ofSeconds(61));
            assertTrue(alice.quiet(Duration.ofMillis(300)));
            assertTrue(bob.quiet(Duration.ofMillis(100)));
        }
    }
}
