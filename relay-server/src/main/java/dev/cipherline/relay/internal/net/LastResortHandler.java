package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The end of the pipeline: answers frames no handler took (e.g. a second {@code auth}, or a frame
 * only the relay may send) with {@code invalid-request}, and turns any exception that nobody mapped
 * to a protocol error into a log line and a closed connection.
 */
public final class LastResortHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(LastResortHandler.class.getName());

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Frame frame) {
            ctx.writeAndFlush(
                    Frame.ErrorFrame.of(
                            Channels.ref(frame),
                            ErrorCode.INVALID_REQUEST,
                            "the relay does not accept '" + Channels.typeName(frame) + "' here"));
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof PrematureChannelClosureException) {
            // the peer went away (connection reset, or closed mid-request): nothing to report, and
            // a warning with a stack trace per hostile client would let it flood the log
            LOG.log(Level.DEBUG, "connection " + ctx.channel().id() + ": " + cause.getMessage());
        } else {
            LOG.log(
                    Level.WARNING,
                    "closing connection " + ctx.channel().id() + " after an error",
                    cause);
        }
        Channels.close(ctx.channel(), CloseCodes.INTERNAL_ERROR, "internal error");
    }
}
