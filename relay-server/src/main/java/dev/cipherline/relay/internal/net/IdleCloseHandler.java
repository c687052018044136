package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that stayed silent (nothing read) past the idle timeout: 4005 on a WebSocket.
 * One handler instead of an idle-state handler plus a closer, since every connection carries it for
 * its whole life.
 */
public final class IdleCloseHandler extends IdleStateHandler {

    /** A handler closing the connection after {@code timeout} without a read. */
    public IdleCloseHandler(Duration timeout) {
        super(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        Channels.close(ctx.channel(), CloseCodes.IDLE, "idle timeout");
    }
}
