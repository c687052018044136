package dev.cipherline.bench.internal.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void mosquittoKeepsEverythingInMemoryAndServesWebSocketsOnTheChosenPort() {
        List<String> lines = new MosquittoConfig(18083, 18084, 256).render().lines().toList();

        assertTrue(lines.contains("persistence false"));
        assertTrue(lines.contains("max_queued_messages 0"), "offline sessions keep every message");
        assertTrue(lines.contains("max_inflight_messages 256"));
        assertTrue(lines.contains("allow_anonymous true"));
        int ws = lines.indexOf("listener 18083 127.0.0.1");
        assertTrue(ws >= 0, "WebSocket listener");
        assertEquals("protocol websockets", lines.get(ws + 1));
        int tcp = lines.indexOf("listener 18084 127.0.0.1");
        assertEquals("protocol mqtt", lines.get(tcp + 1));
    }

    @Test
    void mosquittoRefusesPortsItCannotUse() {
        assertThrows(IllegalArgumentException.class, () -> new MosquittoConfig(0, 1, 256));
        assertThrows(IllegalArgumentException.class, () -> new MosquittoConfig(1883, 1883, 256));
        assertThrows(IllegalArgumentException.class, () -> new MosquittoConfig(1883, 1884, 0));
    }

    @Test
    void natsListensOnLoopbackWithJetStreamOnFilesInTheRunsFolder() {
        String conf = new NatsConfig(4222, 8222, Path.of("/tmp/run-1/js")).render();
        List<String> lines = conf.lines().map(String::strip).toList();

        assertTrue(lines.contains("listen: \"127.0.0.1:4222\""));
        assertTrue(lines.contains("http: \"127.0.0.1:8222\""));
        assertTrue(lines.contains("jetstream {"));
        assertTrue(lines.contains("store_dir: \"/tmp/run-1/js\""));
        assertTrue(
                lines.stream().noneMatch(l -> l.startsWith("sync_interval")),
                "the default: no fsync per message");
    }

    @Test
    void natsRefusesAStoreDirItWouldHaveToEscapeAndClashingPorts() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new NatsConfig(4222, 8222, Path.of("/tmp/a\"b")));
        assertThrows(
                IllegalArgumentException.class, () -> new NatsConfig(4222, 4222, Path.of("/tmp")));
    }

    @Test
    void aMissingServerBinaryNamesTheDebianPackageToInstall() {
        ExternalServer.MissingBinaryException e =
                assertThrows(
                        ExternalServer.MissingBinaryException.class,
                        () -> ExternalServer.find("cipherline-no-such-server", "some-package"));
        assertEquals(
                "cipherline-no-such-server is not installed; install the Debian package with:"
                        + " apt-get install -y some-package",
                e.getMessage());
    }
}
