package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * What happens at the end of the pipeline: a frame nobody takes (e.g. a second {@code auth}, or a
 * frame only the relay may send) is answered {@code invalid-request}, and an exception that nobody
 * mapped to a protocol error becomes a log line and a closed connection.
 */
final class LastResort {
    private static final System.Logger LOG = System.getLogger(LastResort.class.getName());

    private LastResort() {}

    /** Answers {@code frame} with {@code invalid-request}; the connection survives. */
    static void refuse(ChannelHandlerContext ctx, Frame frame) {
        ctx.writeAndFlush(
                Frame.ErrorFrame.of(
                        Channels.ref(frame),
                        ErrorCode.INVALID_REQUEST,
                        "the relay does not accept '" + Channels.typeName(frame) + "' here"));
    }

    /** Logs {@code cause} and closes the connection with 1011 (plainly on plain HTTP). */
    static void failed(ChannelHandlerContext ctx, Throwable cause) {
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
