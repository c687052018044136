package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization against a whole relay in-process: each test is one attack and
 * proves both that it is refused and that the victim's data is untouched.
 */
class RelayAuthorizationTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                "127.0.0.1", 0, dir.resolve("data"), Duration.ofDays(30), 1000, 64),
                        Clock.systemUTC());
        HttpClient http = HttpClient.newHttpClient();
        for (Vectors.Vector device : List.of(ALICE_1, BOB_1)) {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                    .POST(
                                            HttpRequest.BodyPublishers.ofByteArray(
                                                    codec.encodeJson(device.registration(2))))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(201, response.statusCode(), response.body());
        }
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void anotherDevicesRealSignatureIsTheWrongKey() throws Exception {
        try (WsClient mallory = new WsClient(relay.url())) {
            Frame.Challenge challenge = mallory.expect(Frame.Challenge.class);
            // Alice's valid auth key signs a claim to be Bob: the signature is real, the key wrong
            byte[] payload =
                    SignedPayloads.auth(challenge.nonce(), BOB_1.accountId(), BOB_1.deviceId());
            mallory.send(
                    new Frame.Auth(
                            ProtocolVersion.CURRENT,
                            BOB_1.accountId(),
                            BOB_1.deviceId(),
                            ALICE_1.signAuth(payload)));
            mallory.expectError(ErrorCode.AUTH_FAILED);
            assertEquals(CloseCodes.AUTH_FAILED, mallory.closeCode());
        }
    }

    @Test
    void aSignatureThatAuthenticatedBobCannotBeReplayedWhileHeIsOnline() throws Exception {
        try (WsClient bob = new WsClient(relay.url())) {
            Frame.Auth captured = bob.authFor(bob.expect(Frame.Challenge.class), BOB_1);
            bob.send(captured);
            bob.expect(Frame.AuthOk.class);
            bob.expect(Frame.Synced.class);
            try (WsClient replay = new WsClient(relay.url())) {
                replay.expect(Frame.Challenge.class);
                replay.send(captured);
                replay.expectError(ErrorCode.AUTH_FAILED);
                assertEquals(CloseCodes.AUTH_FAILED, replay.closeCode());
            }
            // the failed replay did not replace Bob's connection
            bob.send(new Frame.GetPreKeyCount("still-mine"));
            assertEquals("still-mine", bob.expect(Frame.PreKeyCount.class).requestId());
        }
    }

    @Test
    void acksForAnotherDevicesQueueDeleteNothing() throws Exception {
        long seq;
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1);
                WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            alice.expect(Frame.Synced.class);
            bob.expect(Frame.Synced.class);
            alice.send(toBob("for-bob", "secret"));
            alice.expect(Frame.Accepted.class);
            seq = bob.expect(Frame.Deliver.class).seq(); // Bob does not ack
            // Alice acks Bob's seq, and every seq around it, on her own connection
            List<Long> seqs = new ArrayList<>();
            LongStream.rangeClosed(1, seq + 100).forEach(seqs::add);
            alice.send(new Frame.Ack(seqs));
            // the store has one writer: once this later send is accepted, her acks were applied
            alice.send(toBob("after-ack", "later"));
            alice.expect(Frame.Accepted.class);
        }
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            Frame.Deliver again = bob.expect(Frame.Deliver.class);
            assertEquals(seq, again.seq());
            assertEquals("for-bob", again.clientMsgId());
            assertArrayEquals("secret".getBytes(StandardCharsets.UTF_8), again.ciphertext());
            assertEquals("after-ack", bob.expect(Frame.Deliver.class).clientMsgId());
            bob.expect(Frame.Synced.class);
        }
    }

    private static Frame.Send toBob(String id, String ciphertext) {
        return new Frame.Send(
                id,
                Kind.MESSAGE,
                System.currentTimeMillis() + 60_000,
                null,
                List.of(
                        new Frame.Recipient(
                                BOB_1.accountId(),
                                1,
                                BOB_1.registrationId(),
                                ciphertext.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anUploadOfTooManyPrekeysIsRefusedNamingItsRequestAndStoresNothing() throws Exception {
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            alice.send(new Frame.GetPreKeyCount("before"));
            Frame.PreKeyCount before = alice.expect(Frame.PreKeyCount.class);
            List<Frame.PreKey> keys = new ArrayList<>();
            for (int i = 0; i < 201; i++) {
                keys.add(new Frame.PreKey(5000 + i, Vectors.fake(33, 5000 + i)));
            }
            alice.send(new Frame.UploadPreKeys("too-many", null, null, keys, List.of()));
            Frame.ErrorFrame refused = alice.expectError(ErrorCode.INVALID_REQUEST);
            assertEquals("too-many", refused.ref());

            alice.send(new Frame.GetPreKeyCount("after"));
            assertEquals(before.ecPreKeys(), alice.expect(Frame.PreKeyCount.class).ecPreKeys());
        }
    }

    @Test
    void prekeyUploadsApplyToTheAuthenticatedDeviceOnly() throws Exception {
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1).useText();
                WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            alice.expect(Frame.Synced.class);
            bob.expect(Frame.Synced.class);
            bob.send(new Frame.GetPreKeyCount("bob-before"));
            Frame.PreKeyCount bobBefore = bob.expect(Frame.PreKeyCount.class);

            List<Frame.PreKey> keys = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                keys.add(new Frame.PreKey(1000 + i, Vectors.fake(33, 1000 + i)));
            }
            String upload =
                    codec.encodeText(new Frame.UploadPreKeys("u1", null, null, keys, List.of()));
            // the frame names no account; fields claiming Bob's are unknown and ignored
            String forged =
                    upload.replaceFirst(
                            "\\{",
                            "{\"accountId\":\""
                                    + BOB_1.accountId()
                                    + "\",\"deviceId\":1,\"device\":{\"accountId\":\""
                                    + BOB_1.accountId()
                                    + "\"},");
            assertTrue(forged.contains(BOB_1.accountId()));
            alice.sendText(forged);
            assertEquals(new Frame.Ok("u1"), alice.next());

            alice.send(new Frame.GetPreKeyCount("alice-after"));
            Frame.PreKeyCount aliceAfter = alice.expect(Frame.PreKeyCount.class);
            assertEquals(2 + 5, aliceAfter.ecPreKeys(), "the keys went to Alice, who sent them");
            bob.send(new Frame.GetPreKeyCount("bob-after"));
            Frame.PreKeyCount bobAfter = bob.expect(Frame.PreKeyCount.class);
            assertEquals(bobBefore.ecPreKeys(), bobAfter.ecPreKeys());
            assertEquals(bobBefore.kyberPreKeys(), bobAfter.kyberPreKeys());
        }
        // and Bob's bundle still carries Bob's own one-time prekey, not one of Alice's uploads
        try (WsClient carol = WsClient.authenticated(relay.url(), ALICE_1)) {
            carol.expect(Frame.Synced.class);
            carol.send(new Frame.GetBundles("b1", BOB_1.accountId()));
            Frame.Bundles bundles = carol.expect(Frame.Bundles.class);
            int id = bundles.devices().get(0).oneTimePreKey().id();
            assertTrue(id < 1000, "Bob's bundle has his own prekey " + id);
            assertArrayEquals(BOB_1.identityKey(), bundles.devices().get(0).identityKey());
        }
    }

    @Test
    void aBundleForAnAccountNobodyRegisteredIsNotFound() throws Exception {
        String nobody = "a".repeat(32);
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            alice.send(new Frame.GetBundles("b1", nobody));
            Frame.ErrorFrame error = alice.expectError(ErrorCode.NOT_FOUND);
            assertEquals("b1", error.ref());
            alice.send(new Frame.GetPreKeyCount("alive"));
            alice.expect(Frame.PreKeyCount.class); // the connection survives
        }
    }
}
