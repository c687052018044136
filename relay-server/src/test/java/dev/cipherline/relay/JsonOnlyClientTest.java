package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that speaks only JSON can start: asking for the WebSocket subprotocol {@code
 * cipherline-json} at the upgrade, it gets its {@code challenge} (the frame sent before the client
 * said anything) as a JSON text frame. Without it the challenge stays CBOR, as before.
 */
class JsonOnlyClientTest {
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
        HttpResponse<String> registered =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                        .POST(
                                                HttpRequest.BodyPublishers.ofByteArray(
                                                        codec.encodeJson(BOB_1.registration(2))))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, registered.statusCode(), registered.body());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void theChallengeComesAsJsonToAClientThatAskedForJson() throws Exception {
        try (WsClient client = new WsClient(relay.url(), "cipherline-json").useText()) {
            assertEquals("cipherline-json", client.subprotocol());
            String challengeText = assertInstanceOf(String.class, client.nextRaw());
            Frame.Challenge challenge =
                    assertInstanceOf(Frame.Challenge.class, codec.decodeText(challengeText));

            client.send(client.authFor(challenge, BOB_1));
            String ok = assertInstanceOf(String.class, client.nextRaw());
            assertInstanceOf(Frame.AuthOk.class, codec.decodeText(ok));
            assertInstanceOf(String.class, client.nextRaw(), "synced comes as JSON too");
        }
    }

    @Test
    void withoutASubprotocolTheChallengeIsCbor() throws Exception {
        try (WsClient client = new WsClient(relay.url())) {
            assertEquals("", client.subprotocol());
            byte[] challenge = assertInstanceOf(byte[].class, client.nextRaw());
            assertInstanceOf(Frame.Challenge.class, codec.decodeBinary(challenge));
        }
    }

    @Test
    void aClientAskingForCborGetsCbor() throws Exception {
        try (WsClient client = new WsClient(relay.url(), "cipherline-cbor")) {
            assertEquals("cipherline-cbor", client.subprotocol());
            assertInstanceOf(byte[].class, client.nextRaw());
        }
    }
}
