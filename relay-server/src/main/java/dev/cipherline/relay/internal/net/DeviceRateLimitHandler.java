package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.limits.RateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Rate limits the requests of an authenticated device, across all its connections: every frame but
 * {@code ack} takes a token from the device's bucket. A frame over the limit is answered {@code
 * error{rate-limited}} with its ref and {@code retryAfterMs} and goes no further; the connection
 * survives. Acks are never limited, so a device can always drain its queue.
 */
public final class DeviceRateLimitHandler extends ChannelInboundHandlerAdapter {
    private final RateLimiter limiter;
    private String key;

    /** A handler taking tokens from {@code limiter}. */
    public DeviceRateLimitHandler(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof Authenticated authenticated) {
            key = authenticated.device().toString();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (key != null && msg instanceof Frame frame && !(frame instanceof Frame.Ack)) {
            long retryAfter = limiter.acquire(key);
            if (retryAfter > 0) {
                ctx.writeAndFlush(
                        new Frame.ErrorFrame(
                                Channels.ref(frame),
                                ErrorCode.RATE_LIMITED,
                                "too many requests from this device",
                                retryAfter));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
