package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed device lists on a whole relay: a registration, a removal and a list upload are accepted
 * only with a list signed by the account's identity key that is newer than the stored one and names
 * exactly the account's devices; {@code bundles} and {@code devices} hand the stored list out.
 */
class DeviceListRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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
                        java.time.Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        relay.close();
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

    private static String refusal(HttpResponse<byte[]> response) throws Exception {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(400, response.statusCode(), body);
        assertEquals(
                ErrorCode.INVALID_REQUEST.code(), JSON.readTree(body).get("code").asText(), body);
        return JSON.readTree(body).get("message").asText();
    }

    @Test
    void onlyAListSignedByTheAccountsIdentityKeyAdmitsADevice() throws Exception {
        TestAccount carol = TestAccount.generate();
        TestAccount mallory = TestAccount.generate();
        Vectors.Vector one = carol.device(1, 11);
        Vectors.Vector two = carol.device(2, 12);
        assertEquals(
                201,
                register(one.registration(1).withDeviceList(carol.list(1, List.of(one))))
                        .statusCode());

        // a list the relay's operator (or anyone without Carol's identity key) signed
        byte[] forged = mallory.signed(TestAccount.body(carol.accountId(), 2, List.of(one, two)));
        assertTrue(
                refusal(register(two.registration(1).withDeviceList(forged)))
                        .contains("signature"));
        // a valid list of another account
        assertTrue(
                refusal(
                                register(
                                        two.registration(1)
                                                .withDeviceList(
                                                        mallory.list(
                                                                1, List.of(mallory.device(1, 5))))))
                        .contains("another account"));
        // well signed, but not naming device 1, or not newer
        refusal(register(two.registration(1).withDeviceList(carol.list(2, List.of(two)))));
        refusal(register(two.registration(1).withDeviceList(carol.list(1, List.of(one, two)))));
        // once Carol has a list, a registration without one
        refusal(register(two.registration(1)));

        byte[] v2 = carol.list(2, List.of(one, two));
        assertEquals(201, register(two.registration(1).withDeviceList(v2)).statusCode());

        try (WsClient first = WsClient.authenticated(relay.url(), one)) {
            first.expect(Frame.Synced.class);
            first.send(new Frame.GetBundles("bundles", carol.accountId()));
            Frame.Bundles bundles = first.expect(Frame.Bundles.class);
            assertEquals(2, bundles.devices().size());
            assertArrayEquals(v2, bundles.deviceList(), "senders get the signed list");
            first.send(new Frame.GetDevices("devices"));
            assertArrayEquals(v2, first.expect(Frame.Devices.class).deviceList());
        }
    }

    @Test
    void aRemovalNeedsTheSignedListWithoutTheDevice() throws Exception {
        TestAccount carol = TestAccount.generate();
        Vectors.Vector one = carol.device(1, 11);
        Vectors.Vector two = carol.device(2, 12);
        register(one.registration(1).withDeviceList(carol.list(1, List.of(one))));
        register(two.registration(1).withDeviceList(carol.list(2, List.of(one, two))));
        try (WsClient first = WsClient.authenticated(relay.url(), one);
                WsClient second = WsClient.authenticated(relay.url(), two)) {
            first.expect(Frame.Synced.class);
            second.expect(Frame.Synced.class);
            first.send(new Frame.RemoveDevice("no-list", 2));
            first.expectError(ErrorCode.INVALID_REQUEST);
            TestAccount mallory = TestAccount.generate();
            first.send(
                    new Frame.RemoveDevice(
                            "forged",
                            2,
                            mallory.signed(TestAccount.body(carol.accountId(), 3, List.of(one)))));
            assertTrue(
                    first.expectError(ErrorCode.INVALID_REQUEST).message().contains("signature"));
            first.send(new Frame.RemoveDevice("stale", 2, carol.list(2, List.of(one))));
            first.expectError(ErrorCode.INVALID_REQUEST);

            byte[] v3 = carol.list(3, List.of(one));
            first.send(new Frame.RemoveDevice("remove", 2, v3));
            assertEquals(new Frame.Ok("remove"), first.next());
            assertEquals(CloseCodes.REMOVED, second.closeCode());
            first.send(new Frame.GetDevices("devices"));
            Frame.Devices devices = first.expect(Frame.Devices.class);
            assertEquals(1, devices.devices().size());
            assertArrayEquals(v3, devices.deviceList());
        }
    }

    @Test
    void anAccountWithoutAListUploadsItsFirstOne() throws Exception {
        TestAccount dave = TestAccount.generate();
        Vectors.Vector one = dave.device(1, 21);
        assertEquals(201, register(one.registration(1)).statusCode(), "an older client");
        try (WsClient first = WsClient.authenticated(relay.url(), one)) {
            first.expect(Frame.Synced.class);
            first.send(new Frame.GetDevices("devices"));
            assertNull(first.expect(Frame.Devices.class).deviceList());
            first.send(new Frame.GetBundles("bundles", dave.accountId()));
            assertNull(first.expect(Frame.Bundles.class).deviceList());

            first.send(
                    new Frame.PutDeviceList(
                            "wrong-devices", dave.list(1, List.of(one, dave.device(2, 22)))));
            first.expectError(ErrorCode.INVALID_REQUEST);
            first.send(
                    new Frame.PutDeviceList(
                            "forged",
                            TestAccount.generate()
                                    .signed(TestAccount.body(dave.accountId(), 1, List.of(one)))));
            first.expectError(ErrorCode.INVALID_REQUEST);
            byte[] v1 = dave.list(1, List.of(one));
            first.send(new Frame.PutDeviceList("put", v1));
            assertEquals(new Frame.Ok("put"), first.next());
            first.send(new Frame.GetBundles("again", dave.accountId()));
            assertArrayEquals(v1, first.expect(Frame.Bundles.class).deviceList());
        }
    }
}
