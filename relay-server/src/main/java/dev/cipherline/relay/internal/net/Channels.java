package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.Frame;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the handlers: WebSocket closing and the request a frame refers to. */
final class Channels {
    /** Set once the WebSocket handshake completed on a channel. */
    static final AttributeKey<Boolean> WEBSOCKET = AttributeKey.valueOf("cipherline.websocket");

    private Channels() {}

    /** Whether the channel speaks WebSocket (rather than plain HTTP). */
    static boolean isWebSocket(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(WEBSOCKET).get());
    }

    /** How long a closing WebSocket waits for the client's close frame before dropping TCP. */
    private static final long CLOSE_GRACE_MILLIS = 2_000;

    /**
     * Closes the connection: with a close frame carrying {@code code} on a WebSocket, plainly
     * otherwise. Frames written before are flushed first. The TCP connection stays open until the
     * client answers the close frame (or a short grace period ends), because closing it at once
     * while the client is still writing makes its kernel discard the frames we sent last.
     */
    static void close(Channel channel, int code, String reason) {
        if (isWebSocket(channel) && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason))
                    .addListener(
                            (ChannelFutureListener)
                                    f ->
                                            f.channel()
                                                    .eventLoop()
                                                    .schedule(
                                                            () -> f.channel().close(),
                                                            CLOSE_GRACE_MILLIS,
                                                            TimeUnit.MILLISECONDS));
        } else {
            channel.close();
        }
    }

    /** The clientMsgId or requestId a frame carries, or null. */
    static String ref(Frame frame) {
        if (frame instanceof Frame.Send f) {
            return f.clientMsgId();
        } else if (frame instanceof Frame.GetBundles f) {
            return f.requestId();
        } else if (frame instanceof Frame.UploadPreKeys f) {
            return f.requestId();
        } else if (frame instanceof Frame.GetPreKeyCount f) {
            return f.requestId();
        } else if (frame instanceof Frame.GetDevices f) {
            return f.requestId();
        } else if (frame instanceof Frame.RemoveDevice f) {
            return f.requestId();
        } else if (frame instanceof Frame.PutDeviceList f) {
            return f.requestId();
        } else if (frame instanceof Frame.Abandon f) {
            return f.requestId();
        }
        return null;
    }

    /** The wire name of a frame's type, for messages. */
    static String typeName(Frame frame) {
        com.fasterxml.jackson.annotation.JsonTypeName name =
                frame.getClass().getAnnotation(com.fasterxml.jackson.annotation.JsonTypeName.class);
        return name == null ? frame.getClass().getSimpleName() : name.value();
    }
}
