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
 * @param authTimeout how long a connection may live before it authenticates, counted from TCP
 *     accept (through the HTTP request and the WebSocket upgrade); a kept-alive plain HTTP
 *     connection gets it afresh after each answer
 */
public record AbuseLimits(
        Rate deviceRate,
        Rate addressRate,
        int maxConnections,
        Duration stallTimeout,
        boolean limitLoopback,
        Duration authTimeout) {

    /** The default {@link #authTimeout}. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The defaults: 500/s per device with bursts of 10000 (an outbox flushed after a long time
     * offline), 300/m per address, 50000 connections, 30 s stall, 10 s to authenticate.
     */
    public static final AbuseLimits DEFAULT =
            new AbuseLimits(
                    Rate.parse("500/s:10000"),
                    Rate.parse("300/m"),
                    50_000,
                    Duration.ofSeconds(30),
                    false,
                    DEFAULT_AUTH_TIMEOUT);

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
        if (authTimeout == null || authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("--auth-timeout must be positive.");
        }
    }

    /** Limits with the default {@link #authTimeout}. */
    public AbuseLimits(
            Rate deviceRate,
            Rate addressRate,
            int maxConnections,
            Duration stallTimeout,
            boolean limitLoopback) {
        this(
                deviceRate,
                addressRate,
                maxConnections,
                stallTimeout,
                limitLoopback,
                DEFAULT_AUTH_TIMEOUT);
    }

    /** These limits with another {@link #authTimeout}. */
    public AbuseLimits withAuthTimeout(Duration authTimeout) {
        return new AbuseLimits(
                deviceRate, addressRate, maxConnections, stallTimeout, limitLoopback, authTimeout);
    }

    /**
     * A token-bucket rate: {@code permits} requests per {@code period} sustained, with bursts of up
     * to {@code burst}. The bucket starts full and refills continuously.
     *
     * @param permits how many tokens the bucket regains per period
     * @param period the refill period
     * @param burst the bucket's size: how many requests may come at once after a quiet spell
     */
    public record Rate(int permits, Duration period, int burst) {
        /** Checks every value. */
        public Rate {
            if (permits < 1 || burst < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a rate needs at least 1 per positive period");
            }
        }

        /** A rate whose burst equals {@code permits}. */
        public Rate(int permits, Duration period) {
            this(permits, period, permits);
        }

        /**
         * Parses {@code N/UNIT} or {@code N/UNIT:BURST}, where UNIT is {@code s}, {@code m}, {@code
         * h} or a duration such as {@code 10s}; without a burst it is N.
         *
         * @throws IllegalArgumentException with one sentence for the user when it does not parse
         */
        public static Rate parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            int slash = v.indexOf('/');
            int colon = v.indexOf(':');
            try {
                if (slash <= 0 || (colon >= 0 && colon < slash)) {
                    throw new NumberFormatException();
                }
                int permits = Integer.parseInt(v.substring(0, slash));
                String unit = colon < 0 ? v.substring(slash + 1) : v.substring(slash + 1, colon);
                int burst = colon < 0 ? permits : Integer.parseInt(v.substring(colon + 1));
                Duration period =
                        switch (unit) {
                            case "s" -> Duration.ofSeconds(1);
                            case "m" -> Duration.ofMinutes(1);
                            case "h" -> Duration.ofHours(1);
                            default -> RelayConfig.duration(unit);
                        };
                return new Rate(permits, period, burst);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "a rate must look like 100/s, 300/m, 50/10s or 500/s:10000 (a burst),"
                                + " each at least 1, not '"
                                + value
                                + "'.");
            }
        }

        @Override
        public String toString() {
            return permits + "/" + period.toMillis() + "ms burst " + burst;
        }
    }
}
