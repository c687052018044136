package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.limits.RateLimiter;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import io.netty.channel.ChannelHandlerContext;

/**
 * Rate limits the requests of an authenticated device, across all its connections: every frame but
 * {@code ack} takes a token from the device's bucket. A frame over the limit is answered {@code
 * error{rate-limited}} with its ref and {@code retryAfterMs} and goes no further; the connection
 * survives. Acks (of deliveries and of expiry notices) are never limited, so a device can always
 * drain its queue. Holds no state of its own: one instance serves every connection.
 */
final class DeviceRateLimit {
    private final RateLimiter limiter;
    private final RelayMetrics metrics;

    /** Limits taking tokens from {@code limiter}. */
    DeviceRateLimit(RateLimiter limiter, RelayMetrics metrics) {
        this.metrics = metrics;
        this.limiter = limiter;
    }

    /**
     * Takes a token for {@code frame} from the bucket named {@code key} (the device's), or answers
     * it {@code rate-limited} on {@code ctx}.
     *
     * @return whether the frame may be acted on
     */
    boolean admit(ChannelHandlerContext ctx, String key, Frame frame) {
        if (frame instanceof Frame.Ack || frame instanceof Frame.AckExpired) {
            return true;
        }
        long retryAfter = limiter.acquire(key);
        if (retryAfter > 0) {
            metrics.rateLimited("device");
            ctx.writeAndFlush(
                    new Frame.ErrorFrame(
                            Channels.ref(frame),
                            ErrorCode.RATE_LIMITED,
                            "too many requests from this device",
                            retryAfter));
            return false;
        }
        return true;
    }
}
