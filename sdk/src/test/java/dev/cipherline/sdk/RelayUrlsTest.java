package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.cipherline.relay.RelayServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that knows several relay URLs (the nodes of one cluster): it registers at the first that
 * answers, keeps every URL, and connects past a node that is down. Moving between the nodes of a
 * real cluster is proven by the cluster's integration test.
 */
class RelayUrlsTest {
    @TempDir Path dir;

    private RelayServer relay;
    private URI down;

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        down = URI.create("http://127.0.0.1:" + freePort());
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aNodeThatIsDownIsPassedByAtRegistrationAndWhenConnecting() throws Exception {
        List<URI> nodes = List.of(down, relay.url());
        AccountInfo alice =
                ChatClient.initialize(dir.resolve("alice"), nodes, "alice", StoreProtection.none());
        AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
        assertEquals(nodes, alice.relayUrls());
        assertEquals(down, alice.relayUrl());

        RecordingListener bobEvents = new RecordingListener();
        // alice's client uses the URLs stored at initialization: the dead one first
        try (ChatClient a =
                        ChatClient.builder()
                                .home(dir.resolve("alice"))
                                .listener(new RecordingListener())
                                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                                .build();
                ChatClient b =
                        TestRelays.client(dir.resolve("bob"), relay.url(), bobEvents).build()) {
            assertEquals(nodes, a.whoami().relayUrls());
            a.send(bob.accountId(), "through the second node").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("through the second node", bobEvents.awaitMessages(1).get(0).text());
        }
    }

    @Test
    void aNodeWhoseStoreIsUnavailableIsPassedByAndIsNotARefusal() throws Exception {
        // answers registrations as a relay node does while its database has no primary
        HttpServer busy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        busy.createContext(
                "/v1/devices",
                exchange -> {
                    byte[] body =
                            ("{\"code\":\"unavailable\",\"message\":\"the relay's store cannot"
                                            + " be reached\",\"retryAfterMs\":1000}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(503, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        busy.start();
        try {
            URI busyUrl = URI.create("http://127.0.0.1:" + busy.getAddress().getPort());
            ChatException e =
                    assertThrows(
                            ChatException.class,
                            () ->
                                    ChatClient.initialize(
                                            dir.resolve("first"),
                                            List.of(busyUrl),
                                            null,
                                            StoreProtection.none()));
            assertEquals(ChatException.Reason.RELAY_UNREACHABLE, e.reason());
            assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
            assertFalse(ChatClient.isInitialized(dir.resolve("first")));

            AccountInfo later =
                    ChatClient.initialize(
                            dir.resolve("second"),
                            List.of(busyUrl, relay.url()),
                            null,
                            StoreProtection.none());
            assertEquals(List.of(busyUrl, relay.url()), later.relayUrls());
            assertTrue(ChatClient.isInitialized(dir.resolve("second")));
        } finally {
            busy.stop(0);
        }
    }

    @Test
    void whenNoNodeAnswersRegistrationStoresNothing() {
        ChatException e =
                assertThrows(
                        ChatException.class,
                        () ->
                                ChatClient.initialize(
                                        dir.resolve("nobody"),
                                        List.of(down),
                                        null,
                                        StoreProtection.none()));
        assertEquals(ChatException.Reason.RELAY_UNREACHABLE, e.reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("nobody")));
    }

    @Test
    void badListsAreRefusedWhenSet() {
        ChatClient.Builder builder = ChatClient.builder();
        List<URI> tooMany = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            tooMany.add(URI.create("http://node" + i + ".test:7400"));
        }
        for (List<URI> bad :
                List.of(
                        List.<URI>of(),
                        List.of(relay.url(), relay.url()),
                        List.of(relay.url(), URI.create("ftp://relay.test")),
                        tooMany)) {
            ChatException e = assertThrows(ChatException.class, () -> builder.relayUrls(bad));
            assertEquals(ChatException.Reason.INVALID_ARGUMENT, e.reason(), bad.toString());
        }
    }
}
