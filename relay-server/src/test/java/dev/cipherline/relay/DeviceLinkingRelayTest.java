package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Registration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linking and managing devices on a whole relay over HTTP and WebSocket: provisioning mailboxes,
 * the device limit, and an account's own device list and removals.
 */
class DeviceLinkingRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private final HttpClient http = HttpClient.newHttpClient();
    private final MutableClock clock = new MutableClock(java.time.Instant.now());
    private RelayServer relay;

    private void start(int maxDevices) throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("data"),
                                        Duration.ofDays(30),
                                        1000,
                                        64)
                                .withOperations(Operations.EMBEDDED.withMaxDevices(maxDevices)),
                        clock);
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private HttpResponse<byte[]> request(String method, String path, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(relay.url().resolve(path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertError(int status, ErrorCode code, HttpResponse<byte[]> response)
            throws Exception {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(status, response.statusCode(), body);
        assertEquals(code.code(), JSON.readTree(body).get("code").asText(), body);
    }

    private String open() throws Exception {
        HttpResponse<byte[]> opened = request("POST", "/v1/provisioning", null);
        assertEquals(201, opened.statusCode());
        JsonNode body = JSON.readTree(opened.body());
        String id = body.get("mailboxId").asText();
        assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
        assertEquals(clock.millis() + 600_000, body.get("expiresAt").asLong());
        return id;
    }

    @Test
    void aMailboxTakesOnePayloadAndHandsItOutOnce() throws Exception {
        start(10);
        String id = open();
        assertNotEquals(id, open(), "every mailbox has its own random ID");
        String mailbox = "/v1/provisioning/" + id;
        assertError(404, ErrorCode.PROVISIONING_PENDING, request("GET", mailbox, null));
        byte[] payload = "opaque sealed bytes".getBytes(StandardCharsets.UTF_8);
        assertEquals(200, request("PUT", mailbox, payload).statusCode());
        assertError(409, ErrorCode.PROVISIONING_USED, request("PUT", mailbox, new byte[] {1}));
        HttpResponse<byte[]> taken = request("GET", mailbox, null);
        assertEquals(200, taken.statusCode());
        assertEquals(
                "application/octet-stream",
                taken.headers().firstValue("content-type").orElseThrow());
        assertArrayEquals(payload, taken.body());
        assertError(410, ErrorCode.PROVISIONING_USED, request("GET", mailbox, null));
    }

    @Test
    void mailboxesExpireAfterTenMinutes() throws Exception {
        start(10);
        String full = "/v1/provisioning/" + open();
        String empty = "/v1/provisioning/" + open();
        assertEquals(200, request("PUT", full, new byte[] {1, 2}).statusCode());
        clock.advance(Duration.ofMinutes(10));
        assertError(410, ErrorCode.PROVISIONING_EXPIRED, request("GET", full, null));
        assertError(410, ErrorCode.PROVISIONING_EXPIRED, request("PUT", empty, new byte[] {1}));
        assertError(
                410,
                ErrorCode.PROVISIONING_EXPIRED,
                request("GET", "/v1/provisioning/AAAAAAAAAAAAAAAAAAAAAA", null));
    }

    @Test
    void badMailboxRequestsGetClearErrors() throws Exception {
        start(10);
        String mailbox = "/v1/provisioning/" + open();
        assertError(
                413, ErrorCode.FRAME_TOO_LARGE, request("PUT", mailbox, new byte[64 * 1024 + 1]));
        assertError(413, ErrorCode.FRAME_TOO_LARGE, request("PUT", mailbox, new byte[0]));
        assertError(
                404,
                ErrorCode.PROVISIONING_EXPIRED,
                request("GET", "/v1/provisioning/not-an-id", null));
        assertError(405, ErrorCode.INVALID_REQUEST, request("GET", "/v1/provisioning", null));
        assertError(405, ErrorCode.INVALID_REQUEST, request("DELETE", mailbox, null));
        assertEquals(200, request("PUT", mailbox, new byte[64 * 1024]).statusCode());
    }

    @Test
    void aDeviceBeyondTheLimitIsRefusedButAReinstallIsNot() throws Exception {
        start(1);
        assertEquals(201, register(ALICE_1.registration(1)).statusCode());
        assertError(403, ErrorCode.TOO_MANY_DEVICES, register(ALICE_2.registration(1)));
        assertEquals(201, register(ALICE_1.registration(1)).statusCode(), "a reinstall");
        assertEquals(201, register(BOB_1.registration(1)).statusCode(), "another account");
    }

    @Test
    void aDeviceWithoutTheIdentityKeysSignatureIsNeverAdded() throws Exception {
        start(10);
        assertEquals(201, register(ALICE_1.registration(1)).statusCode());
        // device 1's genuine signature does not cover a device 5 the relay's operator would add
        assertError(
                400, ErrorCode.INVALID_REQUEST, register(ALICE_1.withDeviceId(5).registration(1)));
        try (WsClient one = WsClient.authenticated(relay.url(), ALICE_1)) {
            one.expect(Frame.Synced.class);
            one.send(new Frame.GetDevices("list"));
            assertEquals(
                    List.of(1),
                    one.expect(Frame.Devices.class).devices().stream()
                            .map(Frame.DeviceEntry::deviceId)
                            .toList());
        }
    }

    @Test
    void aDeviceListsAndRemovesTheDevicesOfItsOwnAccount() throws Exception {
        start(10);
        assertEquals(201, register(ALICE_1.registration(1)).statusCode());
        assertEquals(201, register(ALICE_2.registration(1)).statusCode());
        assertEquals(201, register(BOB_1.registration(1)).statusCode());
        try (WsClient one = WsClient.authenticated(relay.url(), ALICE_1);
                WsClient two = WsClient.authenticated(relay.url(), ALICE_2)) {
            one.expect(Frame.Synced.class);
            two.expect(Frame.Synced.class);
            one.send(new Frame.GetDevices("list-1"));
            Frame.Devices devices = assertInstanceOf(Frame.Devices.class, one.next());
            assertEquals("list-1", devices.requestId());
            assertEquals(
                    List.of(1, 2),
                    devices.devices().stream().map(Frame.DeviceEntry::deviceId).toList());
            assertTrue(devices.devices().get(0).createdAt() > 0);

            one.send(new Frame.RemoveDevice("remove-2", 2));
            assertEquals(new Frame.Ok("remove-2"), one.next());
            assertEquals(CloseCodes.REMOVED, two.closeCode(), "cut off at once");

            one.send(new Frame.RemoveDevice("remove-2-again", 2));
            assertEquals("remove-2-again", one.expectError(ErrorCode.NOT_FOUND).ref());
            one.send(new Frame.GetDevices("list-2"));
            assertEquals(
                    List.of(1),
                    ((Frame.Devices) one.next())
                            .devices().stream().map(Frame.DeviceEntry::deviceId).toList());
        }
        try (WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            bob.expect(Frame.Synced.class);
            bob.send(new Frame.GetDevices("bob"));
            assertEquals(
                    List.of(1),
                    ((Frame.Devices) bob.next())
                            .devices().stream().map(Frame.DeviceEntry::deviceId).toList(),
                    "only Bob's own devices");
            // a device of another account is not one of Bob's: nothing is removed
            bob.send(new Frame.RemoveDevice("not-mine", 2));
            bob.expectError(ErrorCode.NOT_FOUND);
            // unlinking itself
            bob.send(new Frame.RemoveDevice("unlink", 1));
            assertEquals(new Frame.Ok("unlink"), bob.next());
            assertEquals(CloseCodes.REMOVED, bob.closeCode());
        }
    }

    @Test
    void theDataDirectoryHoldsNoProvisioningPayloadOnceRead() throws Exception {
        start(10);
        String mailbox = "/v1/provisioning/" + open();
        byte[] marker = "PROVISIONING-MARKER-0123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(200, request("PUT", mailbox, marker).statusCode());
        assertEquals(200, request("GET", mailbox, null).statusCode());
        relay.close();
        relay = null;
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertTrue(
                        !content.contains("PROVISIONING-MARKER"),
                        file + " still holds the payload after it was read");
            }
        }
    }

    private HttpResponse<byte[]> register(Registration registration) throws Exception {
        return http.send(
                HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                        .POST(
                                HttpRequest.BodyPublishers.ofByteArray(
                                        codec.encodeJson(registration)))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
