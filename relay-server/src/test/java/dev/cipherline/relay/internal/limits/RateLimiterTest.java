package dev.cipherline.relay.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @Test
    void aBurstOfPermitsPassesThenTheNextWaitsForOneToken() {
        RateLimiter limiter = new RateLimiter(5, Duration.ofSeconds(1), clock, 100);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, limiter.acquire("d"), "request " + i);
        }
        assertEquals(200, limiter.acquire("d"), "one token regrows in 1 s / 5");
        clock.advance(Duration.ofMillis(199));
        assertEquals(1, limiter.acquire("d"));
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, limiter.acquire("d"));
        assertTrue(limiter.acquire("d") > 0);
    }

    @Test
    void aBurstLargerThanTheRateLetsAQuietDeviceCatchUpThenHoldsTheRate() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(1), 10, clock, 100);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.acquire("d"), "request " + i);
        }
        assertEquals(500, limiter.acquire("d"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, limiter.acquire("d"));
        assertEquals(0, limiter.acquire("d"));
        assertTrue(limiter.acquire("d") > 0, "two per second once the burst is spent");
        clock.advance(Duration.ofDays(1));
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.acquire("d"));
        }
        assertTrue(limiter.acquire("d") > 0, "a long quiet spell banks no more than the burst");
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofMinutes(1), clock, 100);
        assertEquals(0, limiter.acquire("a"));
        assertEquals(60_000, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("b"));
    }

    @Test
    void theBucketRefillsToItsSizeAndNoFurther() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofSeconds(1), clock, 100);
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("d"));
        }
        assertTrue(limiter.acquire("d") > 0, "an idle hour does not bank more than the burst");
    }

    @Test
    void manyKeysStayBoundedInMemory() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(1), clock, 1000);
        for (int i = 0; i < 100_000; i++) {
            limiter.acquire("addr-" + i);
            limiter.acquire("addr-" + i);
            if (i % 100 == 0) {
                clock.advance(Duration.ofMillis(1));
            }
        }
        assertTrue(limiter.trackedKeys() <= 1000, "tracked " + limiter.trackedKeys());
        // a key that is still being limited is not simply forgotten while it keeps asking
        assertEquals(0, limiter.acquire("hot"));
        assertEquals(0, limiter.acquire("hot"));
        assertTrue(limiter.acquire("hot") > 0);
    }

    @Test
    void aNewRateAppliesAtOnceAndEachBucketKeepsItsShareOfTheBurst() {
        RateLimiter limiter = new RateLimiter(10, Duration.ofSeconds(1), clock, 100);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.acquire("busy"));
        }
        assertEquals(0, limiter.acquire("quiet")); // 9 of 10 tokens left

        limiter.reconfigure(1, Duration.ofMinutes(1), 2);

        assertEquals(60_000, limiter.acquire("busy"), "an empty bucket stays empty");
        assertEquals(0, limiter.acquire("quiet"), "90 % of the new burst of 2 is one token");
        assertTrue(limiter.acquire("quiet") > 0);
        assertEquals(0, limiter.acquire("new"));
        assertEquals(0, limiter.acquire("new"));
        assertEquals(60_000, limiter.acquire("new"), "a new key starts with the new burst");
        assertThrows(
                IllegalArgumentException.class,
                () -> limiter.reconfigure(0, Duration.ofSeconds(1), 1));
    }
}
