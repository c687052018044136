package dev.cipherline.relay.internal.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.util.List;

/**
 * Once a connection has become a WebSocket, removes the handlers that serve plain HTTP requests
 * only (and itself), so that a long-lived connection carries no more state than it uses. Netty's
 * handshake already removes the HTTP codec and aggregator.
 */
final class UpgradeTrimHandler extends ChannelInboundHandlerAdapter {
    private final List<String> httpOnly;

    /** A handler removing the handlers named {@code httpOnly} after the upgrade. */
    UpgradeTrimHandler(List<String> httpOnly) {
        this.httpOnly = List.copyOf(httpOnly);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            ChannelPipeline p = ctx.pipeline();
            for (String name : httpOnly) {
                if (p.get(name) != null) {
                    p.remove(name);
                }
            }
            p.remove(this);
        }
        super.userEventTriggered(ctx, event);
    }
}
