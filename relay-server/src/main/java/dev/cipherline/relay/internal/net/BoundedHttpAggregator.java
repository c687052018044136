package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates HTTP requests up to the frame limit and answers a larger body with {@code 413} and a
 * JSON error.
 */
public final class BoundedHttpAggregator extends HttpObjectAggregator {
    private final FrameCodec codec;

    /** An aggregator refusing bodies over {@code codec.limits().maxFrameBytes()}. */
    public BoundedHttpAggregator(FrameCodec codec) {
        super(codec.limits().maxFrameBytes());
        this.codec = codec;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // like Netty's own answer: keep a keep-alive connection (the aggregator skips the rest of
        // the body) unless the body was already read in full
        boolean keepAlive =
                !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
        HttpResponses.error(
                ctx,
                codec,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                ErrorCode.FRAME_TOO_LARGE,
                "request body exceeds " + maxContentLength() + " bytes",
                keepAlive);
    }
}
