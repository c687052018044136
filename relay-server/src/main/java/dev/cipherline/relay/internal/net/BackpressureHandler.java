package dev.cipherline.relay.internal.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the memory of a connection whose client does not read bounded. When the unwritten bytes
 * pass the high water mark (the channel turns unwritable) it stops reading from the client, so no
 * new answers pile up; the delivery handler stops pushing at the same signal. When the channel
 * drains below the low water mark it reads again. A connection that stays unwritable for the stall
 * timeout is closed at once (a close frame could not be written anyway), dropping what it held; its
 * unacknowledged deliveries stay queued for the next connection.
 */
public final class BackpressureHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(BackpressureHandler.class.getName());

    private final Duration stallTimeout;
    private ScheduledFuture<?> timer;

    /** A handler closing connections unwritable for longer than {@code stallTimeout}. */
    public BackpressureHandler(Duration stallTimeout) {
        this.stallTimeout = stallTimeout;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
            cancel();
        } else {
            ctx.channel().config().setAutoRead(false);
            if (timer == null) {
                timer =
                        ctx.executor()
                                .schedule(
                                        () -> stalled(ctx),
                                        stallTimeout.toMillis(),
                                        TimeUnit.MILLISECONDS);
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    private void stalled(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isWritable() && ctx.channel().isActive()) {
            LOG.log(
                    Level.INFO,
                    "closing connection "
                            + ctx.channel().id()
                            + ": its client read nothing for "
                            + stallTimeout
                            + " ("
                            + ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes()
                            + " bytes unwritten)");
            ctx.channel().close();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
