package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.FrameCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline (after the HTTP codec) of a connection refused when it was accepted: over the
 * connection cap ({@code 503}), or from an address over its rate limit ({@code 429}). Its first
 * request, whatever it asks, is answered with {@code rate-limited} and a retry hint, and the
 * connection is closed. A connection that sends no request is closed after a few seconds.
 */
public final class OverCapacityHandler extends ChannelInboundHandlerAdapter {
    /** The retry hint given to connections refused over the cap. */
    static final long RETRY_AFTER_MILLIS = 5_000;

    private final FrameCodec codec;
    private final HttpResponseStatus status;
    private final String message;
    private final long retryAfterMillis;
    private boolean answered;

    /** A handler answering {@code 503} with {@code codec}'s JSON: the relay is at its cap. */
    public OverCapacityHandler(FrameCodec codec) {
        this(
                codec,
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "the relay is at its connection limit",
                RETRY_AFTER_MILLIS);
    }

    /** A handler answering {@code status} with {@code message} and a retry hint. */
    OverCapacityHandler(
            FrameCodec codec, HttpResponseStatus status, String message, long retryAfterMillis) {
        this.codec = codec;
        this.status = status;
        this.message = message;
        this.retryAfterMillis = retryAfterMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.executor()
                .schedule(
                        () -> {
                            ctx.channel().close();
                        },
                        RETRY_AFTER_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean request = msg instanceof HttpRequest;
        ReferenceCountUtil.release(msg);
        if (request && !answered) {
            answered = true;
            HttpResponses.rateLimited(ctx, codec, status, message, retryAfterMillis, false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
