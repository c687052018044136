package dev.cipherline.sdk;

import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A real relay for SDK tests, started in this process on a free loopback port. */
final class TestRelays {
    private TestRelays() {}

    /**
     * A client builder for {@code home} on {@code relay} with {@code listener} and the short
     * reconnect and retry backoffs these tests use.
     */
    static ChatClient.Builder client(Path home, java.net.URI relay, ChatListener listener) {
        return ChatClient.builder()
                .home(home)
                .relayUrl(relay)
                .listener(listener)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    /** Starts a relay with default limits that keeps its store in {@code data}. */
    static RelayServer start(Path data) throws IOException {
        return RelayServer.start(
                new RelayConfig("127.0.0.1", 0, data, Duration.ofDays(30), 100_000, 64),
                Clock.systemUTC());
    }
}
