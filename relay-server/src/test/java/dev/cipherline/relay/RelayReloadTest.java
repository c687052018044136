package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.config.ConfigException;
import dev.cipherline.relay.internal.config.ConfigLoader;
import dev.cipherline.relay.internal.config.ConfigReloader;
import dev.cipherline.relay.internal.config.RelayOptions;
import dev.cipherline.relay.internal.config.Settings;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reload that SIGHUP runs ({@code Main.reloader}), against a whole relay in-process while a
 * conversation goes on: a reloadable limit changes at once, an option that needs a restart keeps
 * its value, a bad file changes nothing, and no connection or message is lost.
 */
class RelayReloadTest {
    @TempDir Path dir;

    private final FrameCodec codec = new FrameCodec();
    private RelayServer relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static Frame.Send send(int i) {
        return new Frame.Send(
                "m" + i,
                Kind.MESSAGE,
                System.currentTimeMillis() + 600_000,
                null,
                List.of(
                        new Frame.Recipient(
                                BOB_1.accountId(),
                                1,
                                BOB_1.registrationId(),
                                new byte[] {(byte) i})));
    }

    private int register(HttpClient http, Vectors.Vector device) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                .POST(
                                        HttpRequest.BodyPublishers.ofByteArray(
                                                codec.encodeJson(device.registration(2))))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private int health() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/health")).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aReloadUnderTrafficChangesALimitKeepsWhatNeedsARestartAndLosesNothing() throws Exception {
        Path config = dir.resolve("relay.toml");
        Files.writeString(
                config,
                "listen = \"127.0.0.1:0\"\nadmin-listen = \"off\"\ndata = \""
                        + dir.resolve("data")
                        + "\"\nwindow = 64\n");
        List<String> args = List.of("--config", config.toString());
        Settings settings = ConfigLoader.load(args, Map.of());
        relay = RelayServer.start(RelayConfig.from(settings), Clock.systemUTC());
        ConfigReloader reloader = Main.reloader(relay, args, Map::of, settings);

        HttpClient http = HttpClient.newHttpClient();
        assertEquals(201, register(http, ALICE_1));
        assertEquals(201, register(http, BOB_1));
        List<String> received = new ArrayList<>();
        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1);
                WsClient bob = WsClient.authenticated(relay.url(), BOB_1)) {
            alice.expect(Frame.Synced.class);
            bob.expect(Frame.Synced.class);
            for (int i = 0; i < 10; i++) {
                alice.send(send(i));
                alice.expect(Frame.Accepted.class);
            }

            // the connections open now stay; one more would be over the new cap
            int open = relay.openConnections();
            Files.writeString(
                    config,
                    "listen = \"127.0.0.1:0\"\nadmin-listen = \"off\"\ndata = \""
                            + dir.resolve("data")
                            + "\"\nwindow = 8\nmax-connections = "
                            + open
                            + "\n");
            List<ConfigReloader.Change> changes = reloader.reload();
            assertEquals(2, changes.size(), changes.toString());
            ConfigReloader.Change cap = changes.get(1);
            assertEquals(RelayOptions.MAX_CONNECTIONS, cap.option());
            assertTrue(cap.applied());
            assertEquals("50000", cap.from());
            assertEquals(Integer.toString(open), cap.to());
            ConfigReloader.Change window = changes.get(0);
            assertEquals(RelayOptions.WINDOW, window.option());
            assertFalse(window.applied(), "the window needs a restart");
            assertEquals(open, relay.config().abuse().maxConnections());
            assertEquals(64, relay.config().window());

            for (int i = 10; i < 20; i++) {
                alice.send(send(i));
                alice.expect(Frame.Accepted.class);
            }
            while (received.size() < 20) {
                Frame.Deliver deliver = bob.expect(Frame.Deliver.class);
                received.add(deliver.clientMsgId());
                bob.send(new Frame.Ack(List.of(deliver.seq())));
            }
            assertEquals(503, health(), "a new connection is over the reloaded cap");

            // a file that is now bad changes nothing
            Files.writeString(config, "max-connections = \"many\"\n");
            assertThrows(ConfigException.class, reloader::reload);
            assertEquals(open, relay.config().abuse().maxConnections());

            // and a good one lifts the cap again, still on the same connections
            Files.writeString(
                    config,
                    "listen = \"127.0.0.1:0\"\nadmin-listen = \"off\"\ndata = \""
                            + dir.resolve("data")
                            + "\"\nwindow = 64\n");
            reloader.reload();
            assertEquals(50_000, relay.config().abuse().maxConnections());
            assertEquals(200, health());
            alice.send(send(20));
            alice.expect(Frame.Accepted.class);
            Frame.Deliver last = assertInstanceOf(Frame.Deliver.class, bob.next());
            received.add(last.clientMsgId());
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            expected.add("m" + i);
        }
        assertEquals(expected, received);
    }

    @Test
    void aReloadChangesWhoMayRegisterFromTheNextRegistrationOn() throws Exception {
        Path config = dir.resolve("relay.toml");
        String base =
                "listen = \"127.0.0.1:0\"\nadmin-listen = \"off\"\ndata = \""
                        + dir.resolve("data")
                        + "\"\n";
        Files.writeString(config, base);
        List<String> args = List.of("--config", config.toString());
        Settings settings = ConfigLoader.load(args, Map.of());
        relay = RelayServer.start(RelayConfig.from(settings), Clock.systemUTC());
        ConfigReloader reloader = Main.reloader(relay, args, Map::of, settings);
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(201, register(http, ALICE_1));

        Files.writeString(config, base + "registration = \"closed\"\n");
        List<ConfigReloader.Change> changes = reloader.reload();
        assertEquals(1, changes.size(), changes.toString());
        assertEquals(RelayOptions.REGISTRATION, changes.get(0).option());
        assertTrue(changes.get(0).applied());
        assertEquals(RegistrationPolicy.CLOSED, relay.registration());
        assertEquals(403, register(http, BOB_1), "registration-closed after the reload");

        Files.writeString(config, base);
        reloader.reload();
        assertEquals(RegistrationPolicy.OPEN, relay.registration());
        assertEquals(201, register(http, BOB_1));
    }
}
