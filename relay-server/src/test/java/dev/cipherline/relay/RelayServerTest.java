package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.net.Transport;
import io.netty.channel.epoll.Epoll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole relay in-process on a loopback port, driven by the JDK's HTTP and WebSocket clients. */
class RelayServerTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newHttpClient();
    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                "127.0.0.1", 0, dir.resolve("data"), Duration.ofDays(30), 1000, 64),
                        Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private HttpResponse<String> post(String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(relay.url().resolve(path))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void register(Vectors.Vector device) throws Exception {
        HttpResponse<String> response =
                post("/v1/devices", codec.encodeJson(device.registration(2)));
        assertEquals(201, response.statusCode(), response.body());
        Registration.Result result =
                codec.decodeJson(
                        response.body().getBytes(StandardCharsets.UTF_8),
                        Registration.Result.class);
        assertEquals(device.accountId(), result.accountId());
    }

    private static Frame.Send message(String id, Vectors.Vector to, String text) {
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
                                text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void registerAuthenticateSendDeliverAckBetweenTwoDevices() throws Exception {
        register(ALICE_1);
        register(BOB_1);
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1);
                WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            bob.expect(Frame.Synced.class);
            alice.expect(Frame.Synced.class);

            alice.send(message("m1", BOB_1, "ciphertext-1"));
            assertEquals("m1", alice.expect(Frame.Accepted.class).clientMsgId());
            Frame.Deliver deliver = bob.expect(Frame.Deliver.class);
            assertEquals(ALICE_1.accountId(), deliver.sender());
            assertEquals(1, deliver.senderDevice());
            assertEquals("m1", deliver.clientMsgId());
            assertEquals(Kind.MESSAGE, deliver.kind());
            assertArrayEquals(
                    "ciphertext-1".getBytes(StandardCharsets.UTF_8), deliver.ciphertext());

            // a retry of the same send is accepted again and not delivered twice
            alice.send(message("m1", BOB_1, "ciphertext-1"));
            alice.expect(Frame.Accepted.class);
            bob.send(new Frame.Ack(List.of(deliver.seq())));
            assertTrue(bob.quiet(Duration.ofMillis(300)));
        }
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            bob.expect(Frame.Synced.class); // nothing left: the ack deleted it
        }
    }

    @Test
    void theBacklogOfAnOfflineDeviceComesInOrderThenSynced() throws Exception {
        register(ALICE_1);
        register(BOB_1);
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            for (int i = 0; i < 5; i++) {
                alice.send(message("b" + i, BOB_1, "offline-" + i));
                alice.expect(Frame.Accepted.class);
            }
        }
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            for (int i = 0; i < 5; i++) {
                Frame.Deliver d = bob.expect(Frame.Deliver.class);
                assertEquals("b" + i, d.clientMsgId());
                assertEquals(i + 1, d.seq());
            }
            bob.expect(Frame.Synced.class);
        }
    }

    @Test
    void aWrongSignatureIsRefusedAndClosed4001() throws Exception {
        register(BOB_1);
        try (WsClient mallory = new WsClient(relay.url())) {
            Frame.Challenge challenge = mallory.expect(Frame.Challenge.class);
            Frame.Auth honest = mallory.authFor(challenge, BOB_1);
            byte[] signature = honest.signature().clone();
            signature[10] ^= 1;
            mallory.send(new Frame.Auth(1, BOB_1.accountId(), 1, signature));
            mallory.expectError(ErrorCode.AUTH_FAILED);
            assertEquals(CloseCodes.AUTH_FAILED, mallory.closeCode());
        }
    }

    @Test
    void aReplayedSignatureForAnotherNonceIsRefused() throws Exception {
        register(BOB_1);
        Frame.Auth captured;
        try (WsClient bob = new WsClient(relay.url())) {
            captured = bob.authFor(bob.expect(Frame.Challenge.class), BOB_1);
        }
        try (WsClient replay = new WsClient(relay.url())) {
            replay.expect(Frame.Challenge.class);
            replay.send(captured);
            replay.expectError(ErrorCode.AUTH_FAILED);
            assertEquals(CloseCodes.AUTH_FAILED, replay.closeCode());
        }
    }

    @Test
    void anUnknownDeviceCannotAuthenticate() throws Exception {
        try (WsClient stranger = new WsClient(relay.url())) {
            Frame.Challenge challenge = stranger.expect(Frame.Challenge.class);
            stranger.send(stranger.authFor(challenge, BOB_1));
            stranger.expectError(ErrorCode.AUTH_FAILED);
            assertEquals(CloseCodes.AUTH_FAILED, stranger.closeCode());
        }
    }

    @Test
    void registrationsWithABadSignatureOrForeignAccountIdAreRefused() throws Exception {
        Registration valid = BOB_1.registration(0);
        byte[] signature = valid.signature().clone();
        signature[0] ^= 1;
        Registration forged =
                new Registration(
                        valid.accountId(),
                        valid.deviceId(),
                        valid.registrationId(),
                        valid.identityKey(),
                        valid.authKey(),
                        signature,
                        valid.signedPreKey(),
                        valid.lastResortKyberPreKey(),
                        valid.ecPreKeys(),
                        valid.kyberPreKeys());
        HttpResponse<String> refused = post("/v1/devices", codec.encodeJson(forged));
        assertEquals(400, refused.statusCode());
        Registration.HttpError error =
                codec.decodeJson(
                        refused.body().getBytes(StandardCharsets.UTF_8),
                        Registration.HttpError.class);
        assertEquals(ErrorCode.INVALID_REQUEST, error.code());

        Registration foreign =
                new Registration(
                        ALICE_1.accountId(),
                        valid.deviceId(),
                        valid.registrationId(),
                        valid.identityKey(),
                        valid.authKey(),
                        valid.signature(),
                        valid.signedPreKey(),
                        valid.lastResortKyberPreKey(),
                        valid.ecPreKeys(),
                        valid.kyberPreKeys());
        assertEquals(400, post("/v1/devices", codec.encodeJson(foreign)).statusCode());
        assertEquals(
                400,
                post("/v1/devices", "{\"accountId\":1}".getBytes(StandardCharsets.UTF_8))
                        .statusCode());
        assertEquals(413, post("/v1/devices", new byte[600_000]).statusCode());
    }

    @Test
    void epollIsUsedWhereItLoadsAndNioCarriesMessagesWhenAskedFor() throws Exception {
        assertEquals(
                Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO,
                relay.transport(),
                "the default transport");
        relay.close();
        System.setProperty(Transport.PROPERTY, "nio");
        try {
            relay =
                    RelayServer.start(
                            new RelayConfig(
                                    "127.0.0.1",
                                    0,
                                    dir.resolve("nio"),
                                    Duration.ofDays(30),
                                    1000,
                                    64),
                            Clock.systemUTC());
        } finally {
            System.clearProperty(Transport.PROPERTY);
        }
        assertEquals(Transport.NIO, relay.transport());
        register(ALICE_1);
        register(BOB_1);
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1);
                WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            alice.expect(Frame.Synced.class);
            bob.expect(Frame.Synced.class);
            alice.send(message("over-nio", BOB_1, "hello"));
            alice.expect(Frame.Accepted.class);
            assertEquals("over-nio", bob.expect(Frame.Deliver.class).clientMsgId());
        }
    }

    @Test
    void healthUnknownPathsAndWrongMethodsAnswerJson() throws Exception {
        HttpResponse<String> health =
                http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"ok\"}", health.body());
        HttpResponse<String> missing =
                http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v2/nothing")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("\"code\":\"not-found\""));
        HttpResponse<String> wrongMethod =
                http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/devices")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("allow").orElseThrow());
    }

    @Test
    void badFramesGetErrorsAndTheConnectionSurvives() throws Exception {
        register(BOB_1);
        try (WsClient client = new WsClient(relay.url())) {
            Frame.Challenge challenge = client.expect(Frame.Challenge.class);
            client.sendText("{ not json");
            assertInstanceOf(String.class, client.nextRaw(), "a text frame is answered in JSON");
            client.sendBinary(new byte[] {(byte) 0xbf, 0x61, 0x74, 0x00});
            client.expectError(ErrorCode.MALFORMED_FRAME);
            client.sendText(
                    "{\"type\":\"ack\",\"seqs\":[1],\"pad\":\"" + "x".repeat(600_000) + "\"}");
            assertTrue(((String) client.nextRaw()).contains("frame-too-large"));
            client.send(new Frame.GetPreKeyCount("early"));
            assertEquals("early", client.expectError(ErrorCode.AUTH_REQUIRED).ref());

            client.send(client.authFor(challenge, BOB_1));
            client.expect(Frame.AuthOk.class);
            client.expect(Frame.Synced.class);
            client.send(new Frame.GetPreKeyCount("later"));
            assertEquals(
                    new Frame.PreKeyCount("later", 2, 2), client.expect(Frame.PreKeyCount.class));
        }
    }

    @Test
    void aFrameAboveTheHardCapClosesWith1009() throws Exception {
        try (WsClient client = new WsClient(relay.url())) {
            client.expect(Frame.Challenge.class);
            try {
                client.sendBinary(new byte[2 * 1024 * 1024]);
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                // the relay may stop reading or close before the client finished writing
            }
            client.expectError(ErrorCode.FRAME_TOO_LARGE);
            assertEquals(CloseCodes.TOO_BIG, client.closeCode());
        }
    }

    @Test
    void aSecondConnectionOfTheSameDeviceReplacesTheFirst() throws Exception {
        register(ALICE_1);
        register(BOB_1);
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1);
                WsClient first = WsClient.authenticated(relay.url(), BOB_1)) {
            alice.expect(Frame.Synced.class);
            first.expect(Frame.Synced.class);
            alice.send(message("r1", BOB_1, "unacked"));
            alice.expect(Frame.Accepted.class);
            assertEquals("r1", first.expect(Frame.Deliver.class).clientMsgId());

            try (WsClient second = WsClient.authenticated(relay.url(), BOB_1)) {
                assertEquals(CloseCodes.REPLACED, first.closeCode());
                assertEquals("r1", second.expect(Frame.Deliver.class).clientMsgId());
                second.expect(Frame.Synced.class);
            }
        }
    }

    @Test
    void ephemeralSendsReachConnectedDevicesOnlyAndAreNeverStored() throws Exception {
        register(ALICE_1);
        register(BOB_1);
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            Frame.Send typing =
                    new Frame.Send(
                            "t1",
                            Kind.EPHEMERAL,
                            System.currentTimeMillis() + 10_000,
                            new byte[] {1, 2, 3},
                            List.of(new Frame.Recipient(BOB_1.accountId(), 1, 2001, null)));
            alice.send(typing);
            alice.expect(Frame.Accepted.class); // Bob is offline: dropped
            try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
                bob.expect(Frame.Synced.class);
                alice.send(
                        new Frame.Send(
                                "t2",
                                typing.kind(),
                                typing.expiresAt(),
                                typing.body(),
                                typing.recipients()));
                alice.expect(Frame.Accepted.class);
                Frame.Deliver d = bob.expect(Frame.Deliver.class);
                assertEquals(0, d.seq());
                assertEquals(Kind.EPHEMERAL, d.kind());
                assertEquals("t2", d.clientMsgId());
            }
        }
    }

    @Test
    void shutdownClosesWebSocketsWith1001() throws Exception {
        register(BOB_1);
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            bob.expect(Frame.Synced.class);
            relay.close();
            assertEquals(CloseCodes.GOING_AWAY, bob.closeCode());
        }
    }

    @Test
    void urlReportsTheRealPort() {
        URI url = relay.url();
        assertEquals("http", url.getScheme());
        assertTrue(url.getPort() > 0);
    }
}
