package dev.cipherline.sdk.internal.transport;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of {@code min
 * * 2^n}, capped at {@code max} and never below {@code min}. The randomness spreads the reconnects
 * of many clients after a relay restart.
 */
public record Backoff(Duration min, Duration max) {
    /** The delay before attempt {@code attempt} (0 for the first retry). */
    public Duration delay(int attempt) {
        long minMs = Math.max(1, min.toMillis());
        long maxMs = Math.max(minMs, max.toMillis());
        long cap = minMs;
        for (int i = 0; i < attempt && cap < maxMs; i++) {
            cap *= 2;
        }
        cap = Math.min(cap, maxMs);
        long half = cap / 2;
        long ms = half + ThreadLocalRandom.current().nextLong(cap - half + 1);
        return Duration.ofMillis(Math.max(minMs, ms));
    }
}
