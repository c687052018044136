package dev.cipherline.relay.internal.net;

import dev.cipherline.relay.AbuseLimits;
import dev.cipherline.relay.internal.limits.RateLimiter;
import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * The shared state of the relay's abuse defences: one rate limiter per device and one per client
 * address, the connection cap, and the write-buffer water marks with the stall timeout.
 *
 * @param devices requests per authenticated device
 * @param addresses registrations and WebSocket connects per IP address
 * @param limitLoopback whether loopback addresses are rate limited too
 * @param maxConnections the most connections open at once
 * @param waterMark when a connection's unwritten bytes make it unwritable, and writable again
 * @param stallTimeout how long a connection may stay unwritable before it is closed
 */
public record Protection(
        RateLimiter devices,
        RateLimiter addresses,
        boolean limitLoopback,
        int maxConnections,
        WriteBufferWaterMark waterMark,
        Duration stallTimeout) {

    /** Buckets tracked per limiter before idle ones are forgotten. */
    private static final int MAX_KEYS = 100_000;

    /** Unwritten bytes above which a connection counts as not reading. */
    public static final int HIGH_WATER_MARK = 1024 * 1024;

    /** Unwritten bytes below which it counts as reading again. */
    public static final int LOW_WATER_MARK = 256 * 1024;

    /** The defences configured by {@code limits}, with time from {@code clock}. */
    public static Protection of(AbuseLimits limits, Clock clock) {
        return new Protection(
                limiter(limits.deviceRate(), clock),
                limiter(limits.addressRate(), clock),
                limits.limitLoopback(),
                limits.maxConnections(),
                new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK),
                limits.stallTimeout());
    }

    private static RateLimiter limiter(AbuseLimits.Rate rate, Clock clock) {
        return new RateLimiter(rate.permits(), rate.period(), rate.burst(), clock, MAX_KEYS);
    }

    /**
     * The rate-limit key of the channel's peer (its IP address), or null when the peer is exempt.
     */
    String addressKey(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress inet) {
            if (inet.getAddress() == null) {
                return inet.getHostString();
            }
            if (inet.getAddress().isLoopbackAddress() && !limitLoopback) {
                return null;
            }
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(channel.remoteAddress());
    }
}
