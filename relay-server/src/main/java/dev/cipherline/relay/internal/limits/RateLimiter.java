package dev.cipherline.relay.internal.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token buckets, one per key (a device, an IP address): each holds at most {@code permits} tokens,
 * starts full and regains {@code permits} tokens per {@code period}, continuously. A request takes
 * one token or is refused with the time until one is available.
 *
 * <p>Memory is bounded: when more than {@code maxKeys} keys are tracked, buckets that have refilled
 * completely (which behave exactly like absent ones) are forgotten; if that is not enough, the
 * oldest-touched half is forgotten, which only ever lets a forgotten key through sooner.
 *
 * <p>Thread-safe; time comes from the injected {@link Clock}.
 */
public final class RateLimiter {
    private final int permits;
    private final double tokensPerMilli;
    private final Clock clock;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long updatedAt;
        long lastUsed;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
            this.lastUsed = now;
        }
    }

    /**
     * A limiter granting {@code permits} requests per {@code period} to each key.
     *
     * @param maxKeys how many keys to track before forgetting idle ones
     */
    public RateLimiter(int permits, Duration period, Clock clock, int maxKeys) {
        if (permits < 1 || period.isZero() || period.isNegative() || maxKeys < 1) {
            throw new IllegalArgumentException("permits, period and maxKeys must be positive");
        }
        this.permits = permits;
        this.tokensPerMilli = permits / (double) period.toMillis();
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /**
     * Takes one token from {@code key}'s bucket.
     *
     * @return 0 if the request may go ahead, else how many milliseconds until it may be retried
     */
    public synchronized long acquire(String key) {
        long now = clock.millis();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) {
                evict(now);
            }
            bucket = new Bucket(permits, now);
            buckets.put(key, bucket);
        } else {
            refill(bucket, now);
        }
        bucket.lastUsed = now;
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / tokensPerMilli));
    }

    /** How many keys are tracked now. */
    public synchronized int trackedKeys() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = Math.max(0, now - bucket.updatedAt);
        bucket.tokens = Math.min(permits, bucket.tokens + elapsed * tokensPerMilli);
        bucket.updatedAt = Math.max(bucket.updatedAt, now);
    }

    private void evict(long now) {
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            refill(bucket, now);
            if (bucket.tokens >= permits) {
                it.remove();
            } else {
                oldest = Math.min(oldest, bucket.lastUsed);
                newest = Math.max(newest, bucket.lastUsed);
            }
        }
        if (buckets.size() >= maxKeys) {
            long middle = oldest + (newest - oldest) / 2;
            buckets.values().removeIf(b -> b.lastUsed <= middle);
        }
        if (buckets.size() >= maxKeys) {
            buckets.clear();
        }
    }
}
