package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.TestDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay that slips a device of its own into an account: it cannot sign that device's keys with
 * the account's identity key, so senders refuse the device and send nothing to it.
 */
class HostileDeviceRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private HostileRelay mitm;
    private AccountInfo alice;
    private final List<ChatClient> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        mitm = new HostileRelay(relay.url());
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
    }

    @AfterEach
    void tearDown() {
        open.forEach(ChatClient::close);
        mitm.close();
        relay.close();
    }

    private ChatClient connect(String who, RecordingListener listener) throws Exception {
        ChatClient client = TestRelays.client(dir.resolve(who), mitm.url(), listener).build();
        open.add(client);
        listener.awaitState(ConnectionState.CONNECTED);
        return client;
    }

    @Test
    void aDeviceTheRelayAddsToAnAccountIsRefusedBySenders() throws Exception {
        // the relay's own keys, signed by a key pair it holds, not by alice's identity
        Frame.PreKeyBundle relayKeys;
        try (TestDevice mallory = new TestDevice(dir.resolve("mallory"))) {
            relayKeys = mallory.publish(7, 8, false);
        }
        String aliceId = alice.accountId().value();
        mitm.tamper(
                (account, f) -> {
                    if (!(f instanceof Frame.Bundles bundles)
                            || !bundles.accountId().equals(aliceId)) {
                        return List.of(f);
                    }
                    Frame.PreKeyBundle real = bundles.devices().get(0);
                    List<Frame.PreKeyBundle> devices = new ArrayList<>(bundles.devices());
                    devices.add(
                            new Frame.PreKeyBundle(
                                    9,
                                    real.registrationId(),
                                    real.identityKey(), // alice's genuine identity key
                                    relayKeys.signedPreKey(),
                                    relayKeys.kyberPreKey(),
                                    relayKeys.oneTimePreKey()));
                    return List.of(
                            new Frame.Bundles(bundles.requestId(), bundles.accountId(), devices));
                });
        RecordingListener bobEvents = new RecordingListener();
        ChatClient b = connect("bob", bobEvents);

        OutgoingMessage m = b.send(alice.accountId(), "for alice's devices only");
        CompletableFuture<MessageState> accepted = m.accepted();
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> accepted.get(30, TimeUnit.SECONDS));
        ChatException refused = (ChatException) e.getCause();
        assertEquals(ChatException.Reason.REJECTED, refused.reason());
        assertTrue(refused.getMessage().contains("device 9"), refused.getMessage());
        assertFalse(refused.getMessage().contains("alice's devices only"));
        assertEquals(MessageState.FAILED, m.state());

        // with the relay honest again, bob reaches alice's real device
        mitm.tamper((account, f) -> List.of(f));
        RecordingListener aliceEvents = new RecordingListener();
        connect("alice", aliceEvents);
        assertEquals(
                MessageState.SENT,
                b.send(alice.accountId(), "hello").accepted().get(30, TimeUnit.SECONDS));
        assertEquals("hello", aliceEvents.awaitMessages(1).get(0).text());
    }
}
