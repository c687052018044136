package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.lang.System.Logger.Level;

/**
 * Rate limits, per client IP address, the requests that cost the relay most: registrations ({@code
 * POST /v1/devices}), provisioning mailboxes ({@code POST /v1/provisioning}) and WebSocket
 * connects. A request over the limit is answered {@code 429} with {@code rate-limited}, {@code
 * retryAfterMs} and a {@code Retry-After} header, and goes no further; a refused WebSocket connect
 * is closed.
 *
 * <p>Every connection already took one token when it was accepted (so that connections that never
 * finish a request count too, see {@link RelayChannelInitializer}); that token pays for the
 * connection's first registration or connect, and later ones take their own.
 */
public final class AddressRateLimitHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG =
            System.getLogger(AddressRateLimitHandler.class.getName());

    private final Protection protection;
    private final FrameCodec codec;
    private final RelayMetrics metrics;
    // whether the token the connection took when it was accepted is still unused
    private boolean prepaid;

    /** A handler taking every token from {@code protection.addresses()}. */
    public AddressRateLimitHandler(Protection protection, FrameCodec codec) {
        this(protection, codec, false, new RelayMetrics());
    }

    /**
     * A handler taking tokens from {@code protection.addresses()}; with {@code prepaid}, the first
     * registration or connect is paid by the token the connection took when it was accepted.
     * Refusals are counted in {@code metrics}.
     */
    AddressRateLimitHandler(
            Protection protection, FrameCodec codec, boolean prepaid, RelayMetrics metrics) {
        this.protection = protection;
        this.codec = codec;
        this.prepaid = prepaid;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = HttpApiHandler.path(request);
        if (path == null) {
            ctx.fireChannelRead(msg); // the API handler answers 400
            return;
        }
        boolean websocket = path.equals(RelayChannelInitializer.WEBSOCKET_PATH);
        // opening a provisioning mailbox costs like a registration: both are unauthenticated writes
        boolean registration =
                (path.equals("/v1/devices") || path.equals(ProvisioningHandler.PATH))
                        && request.method().equals(HttpMethod.POST);
        String key = protection.addressKey(ctx.channel());
        if ((!websocket && !registration) || key == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        long retryAfter = 0;
        if (prepaid) {
            prepaid = false;
        } else {
            retryAfter = protection.addresses().acquire(key);
        }
        if (retryAfter == 0) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean keepAlive = !websocket && HttpUtil.isKeepAlive(request);
        request.release();
        metrics.rateLimited("address");
        LOG.log(Level.DEBUG, "rate limited " + (websocket ? "connect" : "registration"));
        HttpResponses.rateLimited(
                ctx,
                codec,
                HttpResponseStatus.TOO_MANY_REQUESTS,
                "too many " + (websocket ? "connections" : "registrations") + " from this address",
                retryAfter,
                keepAlive);
    }
}
