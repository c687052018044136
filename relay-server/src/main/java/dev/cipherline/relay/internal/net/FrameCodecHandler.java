package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Turns WebSocket messages into {@link Frame}s and back: binary messages are CBOR, text messages
 * JSON, and the relay answers in the form the client last used. Before the client has sent anything
 * (the {@code challenge}), that is the form it asked for at the upgrade with the WebSocket
 * subprotocol {@value #JSON} or {@value #CBOR}, and CBOR when it asked for neither. A frame that
 * does not decode is answered with an error frame here and goes no further; the connection
 * survives. A message above the hard cap (refused by Netty's decoder) gets an error frame, if
 * possible, and close 1009.
 *
 * <p>A plain duplex handler doing what Netty's {@code MessageToMessageCodec} would (release what it
 * decoded, wrap failures in {@link DecoderException} and {@link EncoderException}, ask for a read
 * when a read pass produced nothing while auto-read is off): the codec base class keeps an encoder
 * and a decoder object of its own, 48 bytes more for every connection.
 */
public final class FrameCodecHandler extends ChannelDuplexHandler {
    /** The WebSocket subprotocol that asks for JSON from the first frame on. */
    public static final String JSON = "cipherline-json";

    /** The WebSocket subprotocol that asks for CBOR (the default without one). */
    public static final String CBOR = "cipherline-cbor";

    /** The subprotocols the relay offers, as Netty's handshaker takes them. */
    static final String SUBPROTOCOLS = JSON + "," + CBOR;

    private final FrameCodec codec;
    // whether the client last spoke JSON (text frames); one handler per connection
    private boolean text;
    // within one read pass: whether a message arrived, and whether any went on
    private boolean readCalled;
    private boolean produced;

    /** A handler decoding with {@code codec}, which enforces its limits. */
    public FrameCodecHandler(FrameCodec codec) {
        this.codec = codec;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readCalled = true;
        if (!(msg instanceof WebSocketFrame message)) {
            produced = true;
            ctx.fireChannelRead(msg);
            return;
        }
        Frame frame;
        try {
            frame = decode(ctx, message);
        } catch (RuntimeException e) {
            throw e instanceof DecoderException d ? d : new DecoderException(e);
        } finally {
            ReferenceCountUtil.release(message);
        }
        if (frame != null) {
            produced = true;
            ctx.fireChannelRead(frame);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            text = JSON.equals(handshake.selectedSubprotocol());
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // a pass that produced nothing (a refused frame) must not stall a channel that reads only
        // on demand, i.e. while back-pressure has turned auto-read off
        if (readCalled && !produced && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        readCalled = false;
        produced = false;
        ctx.fireChannelReadComplete();
    }

    /** The frame in {@code message}, or null when there is none or it was answered here. */
    private Frame decode(ChannelHandlerContext ctx, WebSocketFrame message) {
        if (message instanceof TextWebSocketFrame) {
            text = true;
        } else if (message instanceof BinaryWebSocketFrame) {
            text = false;
        } else {
            // pings, pongs and close frames are handled by the WebSocket protocol handler
            return null;
        }
        ByteBuf content = message.content();
        try {
            if (content.readableBytes() > codec.limits().maxFrameBytes()) {
                throw new ProtocolException(
                        ErrorCode.FRAME_TOO_LARGE,
                        "frame of "
                                + content.readableBytes()
                                + " bytes exceeds the limit of "
                                + codec.limits().maxFrameBytes());
            }
            return text
                    ? codec.decodeText(content.toString(StandardCharsets.UTF_8))
                    : codec.decodeBinary(ByteBufUtil.getBytes(content));
        } catch (ProtocolException e) {
            // from the channel, not ctx: the answer must pass through this handler's encoder
            ctx.channel()
                    .writeAndFlush(Frame.ErrorFrame.of(null, e.code(), printable(e.getMessage())));
            return null;
        }
    }

    private static final int MAX_MESSAGE_CHARS = 200;

    /**
     * The parser's explanation, reduced to printable ASCII and capped: it can quote the client's
     * bytes, and a lone surrogate from invalid UTF-8 made the error frame itself unencodable, so
     * the client got no answer at all (found by fuzzing).
     */
    static String printable(String message) {
        if (message == null || message.isEmpty()) {
            return "the frame does not parse";
        }
        StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_CHARS));
        for (int i = 0; i < message.length() && out.length() < MAX_MESSAGE_CHARS; i++) {
            char c = message.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Frame frame)) {
            ctx.write(msg, promise);
            return;
        }
        WebSocketFrame encoded;
        try {
            encoded = encode(frame);
        } catch (RuntimeException e) {
            // fails the write's promise, as any encoder's failure does
            throw e instanceof EncoderException x ? x : new EncoderException(e);
        }
        ctx.write(encoded, promise);
    }

    private WebSocketFrame encode(Frame frame) {
        return text
                ? new TextWebSocketFrame(codec.encodeText(frame))
                : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeBinary(frame)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!closeOnFrameError(ctx, cause)) {
            ctx.fireExceptionCaught(cause);
        }
    }

    /**
     * Answers a message above the hard cap with an error frame and close 1009, and another broken
     * WebSocket frame with close 1002; both with the close grace of {@link Channels#close}. Used
     * here and by {@link ConnectionGuardHandler}, in front of Netty's WebSocket protocol handler.
     *
     * @return whether {@code cause} was such an error (and so is handled)
     */
    static boolean closeOnFrameError(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException
                || (cause instanceof CorruptedWebSocketFrameException corrupted
                        && WebSocketCloseStatus.MESSAGE_TOO_BIG.equals(corrupted.closeStatus()))) {
            ctx.channel()
                    .writeAndFlush(
                            Frame.ErrorFrame.of(
                                    null,
                                    ErrorCode.FRAME_TOO_LARGE,
                                    "message exceeds the relay's hard cap; closing"));
            Channels.close(ctx.channel(), CloseCodes.TOO_BIG, "frame too large");
            return true;
        } else if (cause instanceof CorruptedWebSocketFrameException) {
            Channels.close(ctx.channel(), CloseCodes.PROTOCOL_ERROR, "protocol error");
            return true;
        }
        return false;
    }
}
