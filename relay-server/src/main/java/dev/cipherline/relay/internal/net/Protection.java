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
 * <p>Every limit can change while the relay runs ({@link #apply}, called on SIGHUP): the rate
 * limiters keep their buckets, a lower connection cap refuses new connections only (open ones
 * stay), and a new stall timeout applies to the next stall. Thread-safe.
 */
public final class Protection {
    /** Buckets tracked per limiter before idle ones are forgotten. */
    private static final int MAX_KEYS = 100_000;

    /** Unwritten bytes above which a connection counts as not reading. */
    public static final int HIGH_WATER_MARK = 1024 * 1024;

    /** Unwritten bytes below which it counts as reading again. */
    public static final int LOW_WATER_MARK = 256 * 1024;

    private static final WriteBufferWaterMark WATER_MARK =
            new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK);

    private final RateLimiter devices;
    private final RateLimiter addresses;
    private volatile AbuseLimits limits;

    private Protection(RateLimiter devices, RateLimiter addresses, AbuseLimits limits) {
        this.devices = devices;
        this.addresses = addresses;
        this.limits = limits;
    }

    /** The defences configured by {@code limits}, with time from {@code clock}. */
    public static Protection of(AbuseLimits limits, Clock clock) {
        return new Protection(
                limiter(limits.deviceRate(), clock), limiter(limits.addressRate(), clock), limits);
    }

    private static RateLimiter limiter(AbuseLimits.Rate rate, Clock clock) {
        return new RateLimiter(rate.permits(), rate.period(), rate.burst(), clock, MAX_KEYS);
    }

    /** Applies new limits from now on, without dropping a connection or a bucket. */
    public void apply(AbuseLimits next) {
        AbuseLimits.Rate d = next.deviceRate();
        AbuseLimits.Rate a = next.addressRate();
        devices.reconfigure(d.permits(), d.period(), d.burst());
        addresses.reconfigure(a.permits(), a.period(), a.burst());
        limits = next;
    }

    /** The limits in force. */
    public AbuseLimits limits() {
        return limits;
    }

    /** Requests per authenticated device. */
    public RateLimiter devices() {
        return devices;
    }

    /** Registrations and WebSocket connects per IP address. */
    public RateLimiter addresses() {
        return addresses;
    }

    /** Whether loopback addresses are rate limited too. */
    public boolean limitLoopback() {
        return limits.limitLoopback();
    }

    /** The most connections open at once. */
    public int maxConnections() {
        return limits.maxConnections();
    }

    /** When a connection's unwritten bytes make it unwritable, and writable again. */
    public WriteBufferWaterMark waterMark() {
        return WATER_MARK;
    }

    /** How long a connection may stay unwritable before it is closed. */
    public Duration stallTimeout() {
        return limits.stallTimeout();
    }

    /**
     * The rate-limit key of the channel's peer (its IP address), or null when the peer is exempt.
     */
    String addressKey(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress inet) {
            if (inet.getAddress() == null) {
                return inet.getHostString();
            }
            if (inet.getAddress().isLoopbackAddress() && !limitLoopback()) {
                return null;
            }
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(channel.remoteAddress());
    }
}
