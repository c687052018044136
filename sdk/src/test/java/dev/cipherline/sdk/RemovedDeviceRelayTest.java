package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RegistrationPolicy;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device the relay's operator revoked: the relay no longer has it, but the account's signed
 * device list (which only the account's identity key can sign) still names it, so senders refuse to
 * leave it out (it looks exactly like a hidden device) until a device of the account signs a list
 * without it ({@code devices().remove}). Its account's other devices stop copying to it at once,
 * and once the list is repaired senders stop encrypting to it.
 */
class RemovedDeviceRelayTest {
    @TempDir Path dir;

    private RelayServer relay;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        Duration.ofDays(30),
                                        100_000,
                                        64)
                                .withOperations(
                                        new Operations("127.0.0.1", 0, RegistrationPolicy.OPEN)),
                        Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private ChatClient open(String home, ChatListener listener) throws Exception {
        ChatClient client = TestRelays.client(dir.resolve(home), relay.url(), listener).build();
        client.synced().get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Removes a device through the relay's admin API, as the admin command does. */
    private void removeDevice(AccountId account, int device) throws Exception {
        String token = Files.readString(dir.resolve("relay").resolve("admin.token")).strip();
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                relay.adminUrl()
                                                        .resolve(
                                                                "/v1/admin/accounts/"
                                                                        + account.value()
                                                                        + "/devices/"
                                                                        + device))
                                        .DELETE()
                                        .header("Authorization", "Bearer " + token)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode() / 100 * 100, response.body());
    }

    @Test
    void sendersAndOwnDevicesStopEncryptingToARemovedDevice() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        try (ChatClient b1 = open("b1", new RecordingListener())) {
            b1.synced().get(30, TimeUnit.SECONDS);
            assertEquals(2, OwnDevices.link(b1, dir.resolve("b2"), relay.url(), "b2").deviceId());
        }
        try (ChatClient b2 = open("b2", new RecordingListener())) {
            assertEquals(0, b2.flush(Duration.ofSeconds(30)));
        }
        RecordingListener a1Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events);
                ChatClient b1 = open("b1", b1Events)) {
            // both of bob's devices are addressed, and b1 copies its messages to b2
            a1.send(bob.accountId(), "one").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("one", b1Events.awaitMessages(1).get(0).text());
            b1.send(alice.accountId(), "reply").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("reply", a1Events.awaitMessages(1).get(0).text());

            removeDevice(bob.accountId(), 2);

            // the relay names device 2 extra, but Bob's signed list still names it: refused
            OutgoingMessage two = a1.send(bob.accountId(), "two");
            java.util.concurrent.ExecutionException refused =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            java.util.concurrent.ExecutionException.class,
                            () -> two.accepted().get(30, TimeUnit.SECONDS));
            org.junit.jupiter.api.Assertions.assertTrue(
                    refused.getCause()
                            .getMessage()
                            .contains("device 2 of " + bob.accountId().value()),
                    refused.getCause().getMessage());
            // b1 stops copying to device 2 at once
            OutgoingMessage three = b1.send(alice.accountId(), "three");
            assertEquals(MessageState.SENT, three.accepted().get(30, TimeUnit.SECONDS));
            assertEquals("three", a1Events.awaitMessages(1).get(0).text());

            // Bob repairs his list on a remaining device; senders then leave device 2 out
            b1.devices().remove(2);
            OutgoingMessage four = a1.send(bob.accountId(), "four");
            assertEquals(MessageState.SENT, four.accepted().get(30, TimeUnit.SECONDS));
            assertEquals("four", b1Events.awaitMessages(1).get(0).text());
            assertEquals(
                    List.of("four", "three", "reply", "one"),
                    b1.history().page(alice.accountId(), 10, null).stream()
                            .map(StoredMessage::text)
                            .toList());
        }
    }
}
