package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AbuseLimitsConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        AbuseLimits a = RelayConfig.parse().abuse();
        assertEquals(new AbuseLimits.Rate(500, Duration.ofSeconds(1), 10_000), a.deviceRate());
        assertEquals(new AbuseLimits.Rate(300, Duration.ofMinutes(1)), a.addressRate());
        assertEquals(50_000, a.maxConnections());
        assertEquals(Duration.ofSeconds(30), a.stallTimeout());
        assertFalse(a.limitLoopback());
        assertEquals(AbuseLimits.DEFAULT, a);
    }

    @Test
    void everyAbuseFlagIsRead() {
        AbuseLimits a =
                RelayConfig.parse(
                                "--rate-limit",
                                "20/s",
                                "--address-rate-limit=50/10s",
                                "--limit-loopback",
                                "--max-connections",
                                "7",
                                "--stall-timeout",
                                "2m",
                                "--window",
                                "8")
                        .abuse();
        assertEquals(new AbuseLimits.Rate(20, Duration.ofSeconds(1)), a.deviceRate());
        assertEquals(new AbuseLimits.Rate(50, Duration.ofSeconds(10)), a.addressRate());
        assertTrue(a.limitLoopback());
        assertEquals(7, a.maxConnections());
        assertEquals(Duration.ofMinutes(2), a.stallTimeout());
        assertEquals(new AbuseLimits.Rate(3, Duration.ofHours(1)), AbuseLimits.Rate.parse("3/h"));
        assertEquals(
                new AbuseLimits.Rate(20, Duration.ofMinutes(1), 400),
                AbuseLimits.Rate.parse("20/m:400"));
    }

    @Test
    void badValuesAreOneSentenceNamingTheFlag() {
        for (String[] args :
                new String[][] {
                    {"--rate-limit", "fast"},
                    {"--rate-limit", "0/s"},
                    {"--rate-limit", "5/s:0"},
                    {"--rate-limit", "5:3/s"},
                    {"--address-rate-limit", "10/fortnight"},
                    {"--max-connections", "0"},
                    {"--stall-timeout", "soon"}
                }) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> RelayConfig.parse(args));
            assertTrue(e.getMessage().startsWith(args[0]), e.getMessage());
            assertTrue(e.getMessage().endsWith("."), e.getMessage());
        }
    }
}
