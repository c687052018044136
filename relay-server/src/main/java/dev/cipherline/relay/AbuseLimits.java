package dev.cipherline.relay;

import java.time.Duration;
import java.util.Locale;

/**
 * How the relay defends itself against clients that ask too much: token-bucket rate limits per
 * authenticated device and per client address, a cap on open connections, and how long a connection
 * may refuse to read what the relay writes before it is dropped.
 *
 * @param deviceRate requests (every frame but {@code ack}) one authenticated device may make
 * @param addressRate registrations and WebSocket connection attempts one IP address may make
 * @param maxConnections the most TCP connections open at once; further ones are refused with 503
 * @param stallTimeout how long a connection may stay unwritable (its client does not read) before
 *     the relay closes it
 * @param limitLoopback whether loopback addresses are subject to {@code addressRate} (by default
 *     they are not: the relay trusts its own host, and tests and benchmarks run there)
 */
public record AbuseLimits(
        Rate deviceRate,
        Rate addressRate,
        int maxConnections,
        Duration stallTimeout,
        boolean limitLoopback) {

    /** The defaults: 500/s per device, 300/m per address, 50000 connections, 30 s stall. */
    public static final AbuseLimits DEFAULT =
            new AbuseLimits(
                    Rate.parse("500/s"),
                    Rate.parse("300/m"),
                    50_000,
                    Duration.ofSeconds(30),
                    false);

    /** Checks every value. */
    public AbuseLimits {
        if (deviceRate == null || addressRate == null) {
            throw new IllegalArgumentException("rates must be given");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("--max-connections must be at least 1.");
        }
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("--stall-timeout must be positive.");
        }
    }

    /**
     * A token-bucket rate: {@code permits} requests per {@code period}, with a burst of {@code
     * permits}. The bucket starts full and refills continuously.
     *
     * @param permits the bucket's size and how many tokens it regains per period
     * @param period the refill period
     */
    public record Rate(int permits, Duration period) {
        /** Checks both values. */
        public Rate {
            if (permits < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a rate needs at least 1 per positive period");
            }
        }

        /**
         * Parses {@code N/s}, {@code N/m}, {@code N/h} or {@code N/DURATION} (e.g. {@code 20/10s}).
         *
         * @throws IllegalArgumentException with one sentence for the user when it does not parse
         */
        public static Rate parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            int slash = v.indexOf('/');
            try {
                if (slash <= 0) {
                    throw new NumberFormatException();
                }
                int permits = Integer.parseInt(v.substring(0, slash));
                String unit = v.substring(slash + 1);
                Duration period =
                        switch (unit) {
                            case "s" -> Duration.ofSeconds(1);
                            case "m" -> Duration.ofMinutes(1);
                            case "h" -> Duration.ofHours(1);
                            default -> RelayConfig.duration(unit);
                        };
                return new Rate(permits, period);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "a rate must look like 100/s, 300/m, 20/h or 50/10s (at least 1), not '"
                                + value
                                + "'.");
            }
        }

        @Override
        public String toString() {
            return permits + "/" + period.toMillis() + "ms";
        }
    }
}
