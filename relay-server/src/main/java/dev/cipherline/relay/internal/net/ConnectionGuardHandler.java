package dev.cipherline.relay.internal.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;

/**
 * Watches over one connection for its whole life, right after the HTTP decoders (after the upgrade,
 * right after Netty's WebSocket frame decoder): every message read counts against the {@link
 * IdleSweeper}'s timeout; a change of writability goes to {@link Backpressure}; and the WebSocket
 * decoder's errors are answered here, in front of Netty's protocol handler, which would otherwise
 * close the TCP connection at once (with the client still sending, its kernel then resets the
 * connection and drops the error and close frames it had not read yet).
 *
 * <p>One handler for the three, because every connection carries it for its whole life: one
 * pipeline context and two fields instead of three handlers and a timer per connection.
 */
final class ConnectionGuardHandler extends ChannelInboundHandlerAdapter {
    private final IdleSweeper idle;
    private final Backpressure backpressure;
    private IdleSweeper.Watch watch;
    private ScheduledFuture<?> stallTimer;

    /**
     * A guard watched by {@code idle}, with {@code backpressure} for a client that does not read.
     */
    ConnectionGuardHandler(IdleSweeper idle, Backpressure backpressure) {
        this.idle = idle;
        this.backpressure = backpressure;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startWatching(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startWatching(ctx);
        super.channelActive(ctx);
    }

    private void startWatching(ChannelHandlerContext ctx) {
        if (watch == null) {
            watch = idle.watch(ctx.channel());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (watch != null) {
            watch.read();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        stallTimer = backpressure.writabilityChanged(ctx.channel(), stallTimer);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!FrameCodecHandler.closeOnFrameError(ctx, cause)) {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (watch != null) {
            watch.stop();
        }
        if (stallTimer != null) {
            stallTimer.cancel(false);
            stallTimer = null;
        }
    }
}
