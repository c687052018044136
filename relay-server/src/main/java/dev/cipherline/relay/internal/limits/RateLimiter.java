package dev.cipherline.relay.internal.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token buckets, one per key (a device, an IP address): each holds at most {@code burst} tokens,
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
    // tokens are counted in units of 1 / periodMillis, so refilling is exact integer arithmetic:
    // every millisecond adds `permits` units and one token costs `periodMillis` units
    // not final: reconfigure() changes the rate of a running relay (SIGHUP); guarded by this
    private long permits;
    private long periodMillis;
    private long capacity;
    private final Clock clock;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        long units;
        long updatedAt;
        long lastUsed;

        Bucket(long units, long now) {
            this.units = units;
            this.updatedAt = now;
            this.lastUsed = now;
        }
    }

    /**
     * A limiter granting {@code permits} requests per {@code period} to each key, in bursts of up
     * to {@code permits}.
     *
     * @param maxKeys how many keys to track before forgetting idle ones
     */
    public RateLimiter(int permits, Duration period, Clock clock, int maxKeys) {
        this(permits, period, permits, clock, maxKeys);
    }

    /**
     * A limiter granting {@code permits} requests per {@code period} to each key, in bursts of up
     * to {@code burst}.
     *
     * @param maxKeys how many keys to track before forgetting idle ones
     */
    public RateLimiter(int permits, Duration period, int burst, Clock clock, int maxKeys) {
        if (permits < 1 || burst < 1 || period.isZero() || period.isNegative() || maxKeys < 1) {
            throw new IllegalArgumentException(
                    "permits, burst, period and maxKeys must be positive");
        }
        this.permits = permits;
        this.periodMillis = Math.max(1, period.toMillis());
        this.capacity = (long) burst * periodMillis;
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
            bucket = new Bucket(capacity, now);
            buckets.put(key, bucket);
        } else {
            refill(bucket, now);
        }
        bucket.lastUsed = now;
        if (bucket.units >= periodMillis) {
            bucket.units -= periodMillis;
            return 0;
        }
        long missing = periodMillis - bucket.units;
        return (missing + permits - 1) / permits;
    }

    /**
     * Applies a new rate to every key from now on. Each bucket keeps the share of its burst it had
     * (a full bucket stays full, an empty one stays empty), so a change neither forgives nor
     * punishes a key that was busy when it came.
     *
     * @throws IllegalArgumentException if a value is not positive
     */
    public synchronized void reconfigure(int permits, Duration period, int burst) {
        if (permits < 1 || burst < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("permits, burst and period must be positive");
        }
        long newPeriodMillis = Math.max(1, period.toMillis());
        long newCapacity = (long) burst * newPeriodMillis;
        long now = clock.millis();
        for (Bucket bucket : buckets.values()) {
            refill(bucket, now);
            double share = (double) bucket.units / capacity;
            bucket.units = Math.min(newCapacity, Math.round(share * newCapacity));
        }
        this.permits = permits;
        this.periodMillis = newPeriodMillis;
        this.capacity = newCapacity;
    }

    /** How many keys are tracked now. */
    public synchronized int trackedKeys() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        long elapsed = Math.max(0, now - bucket.updatedAt);
        long added = elapsed >= capacity / permits ? capacity : elapsed * permits;
        bucket.units = Math.min(capacity, bucket.units + added);
        bucket.updatedAt = Math.max(bucket.updatedAt, now);
    }

    private void evict(long now) {
        long oldest = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            refill(bucket, now);
            if (bucket.units >= capacity) {
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
