package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.FrameCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The whole pipeline (after the HTTP codec) of a connection over the connection cap: its first
 * request, whatever it asks, is answered {@code 503} with {@code rate-limited} and a retry hint,
 * and the connection is closed. A connection that sends no request is closed after a few seconds.
 */
public final class OverCapacityHandler extends ChannelInboundHandlerAdapter {
    /** The retry hint given to refused connections. */
    static final long RETRY_AFTER_MILLIS = 5_000;

    private final FrameCodec codec;
    private boolean answered;

    /** A handler answering with {@code codec}'s JSON. */
    public OverCapacityHandler(FrameCodec codec) {
        this.codec = codec;
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
            HttpResponses.rateLimited(
                    ctx,
                    codec,
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "the relay is at its connection limit",
                    RETRY_AFTER_MILLIS,
                    false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
