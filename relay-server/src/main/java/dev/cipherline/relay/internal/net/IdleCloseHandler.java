package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/** Closes a connection that stayed silent past the idle timeout: 4005 on a WebSocket. */
public final class IdleCloseHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            Channels.close(ctx.channel(), CloseCodes.IDLE, "idle timeout");
        } else {
            super.userEventTriggered(ctx, event);
        }
    }
}
