package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RelayConfigTest {
    @Test
    void defaultsMatchTheLaunchContract() {
        RelayConfig c = RelayConfig.parse();
        assertEquals("127.0.0.1", c.host());
        assertEquals(7400, c.port());
        assertEquals(Path.of("relay-data"), c.dataDir());
        assertEquals(Duration.ofDays(30), c.maxExpiry());
        assertEquals(100_000, c.queueQuota());
        assertEquals(256, c.window());
    }

    @Test
    void everyFlagIsRead() {
        RelayConfig c =
                RelayConfig.parse(
                        "--listen",
                        "0.0.0.0:0",
                        "--data",
                        "/tmp/x",
                        "--max-expiry",
                        "12h",
                        "--queue-quota=50",
                        "--window",
                        "8");
        assertEquals("0.0.0.0", c.host());
        assertEquals(0, c.port());
        assertEquals(Path.of("/tmp/x"), c.dataDir());
        assertEquals(Duration.ofHours(12), c.maxExpiry());
        assertEquals(50, c.queueQuota());
        assertEquals(8, c.window());
        assertEquals("::1", RelayConfig.parse("--listen", "[::1]:7400").host());
    }

    @Test
    void durationsTakeUnitsOrIso8601() {
        assertEquals(Duration.ofDays(7), RelayConfig.duration("7d"));
        assertEquals(Duration.ofMinutes(90), RelayConfig.duration("90m"));
        assertEquals(Duration.ofSeconds(45), RelayConfig.duration("45s"));
        assertEquals(Duration.ofMillis(500), RelayConfig.duration("500ms"));
        assertEquals(Duration.ofHours(1), RelayConfig.duration("PT1H"));
    }

    @Test
    void badArgumentsAreOneSentence() {
        for (String[] args :
                new String[][] {
                    {"--listen", "nowhere"},
                    {"--listen", "127.0.0.1:99999"},
                    {"--window", "0"},
                    {"--window", "x"},
                    {"--queue-quota", "-1"},
                    {"--max-expiry", "soon"},
                    {"--max-expiry", "0s"},
                    {"--data"},
                    {"--bogus", "1"}
                }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RelayConfig.parse(args));
            assertEquals('.', e.getMessage().charAt(e.getMessage().length() - 1), e.getMessage());
        }
    }
}
