package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One load-generator connection: answers the challenge, then hands frames to its {@link
 * FrameListener}. {@link #send} may be called from any thread. In the lean mode, frames sent while
 * the listener handles what one socket read brought are flushed together when that read is done, so
 * answers to a burst of frames leave in one write, as any efficient client's would. In the SDK-like
 * mode ({@code flushEachSend}) every frame is written and flushed on its own, as the SDK's
 * transport does; the listener's {@link FrameListener#onReadComplete} can then batch what it owes
 * per read.
 */
public final class BenchConnection extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final FrameCodec CODEC = new FrameCodec();

    private final BenchDevice device;
    private final FrameListener listener;
    private final boolean flushEachSend;
    private final CompletableFuture<BenchConnection> authenticated = new CompletableFuture<>();
    private volatile Channel channel;
    // touched only on the event loop
    private boolean reading;
    private boolean unflushed;
    private final Queue<BinaryWebSocketFrame> handedOver = new ConcurrentLinkedQueue<>();

    BenchConnection(BenchDevice device, FrameListener listener, boolean flushEachSend) {
        this.device = device;
        this.listener = listener;
        this.flushEachSend = flushEachSend;
    }

    public BenchDevice device() {
        return device;
    }

    CompletableFuture<BenchConnection> authenticated() {
        return authenticated;
    }

    /** The event loop that runs this connection's listener. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /**
     * Encodes {@code frame} as CBOR and writes it, after every frame an earlier {@code send} (from
     * any thread) handed over. Frames from other threads wait in {@link #handedOver} for the event
     * loop; a frame sent on the event loop first writes those, so a frame sent on the event loop in
     * answer to an earlier one (a window's next send after an {@code accepted}) never overtakes
     * frames another thread sent before it.
     */
    public void send(Frame frame) {
        BinaryWebSocketFrame ws =
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(CODEC.encodeBinary(frame)));
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            handedOver.add(ws);
            loop.execute(this::writeHandedOver);
            return;
        }
        writeHandedOver();
        write(ws);
    }

    private void writeHandedOver() {
        BinaryWebSocketFrame ws;
        while ((ws = handedOver.poll()) != null) {
            write(ws);
        }
    }

    private void write(BinaryWebSocketFrame ws) {
        if (!flushEachSend && reading) {
            channel.write(ws, channel.voidPromise());
            unflushed = true;
        } else {
            channel.writeAndFlush(ws, channel.voidPromise());
        }
    }

    /** Closes the connection with a WebSocket close frame (1000), then the TCP connection. */
    public void close() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> ch.close());
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        reading = false;
        if (authenticated.isDone()) {
            listener.onReadComplete(this);
        }
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame msg)
            throws ProtocolException {
        Frame frame;
        if (msg instanceof BinaryWebSocketFrame) {
            frame = CODEC.decodeBinary(ByteBufUtil.getBytes(msg.content()));
        } else if (msg instanceof TextWebSocketFrame text) {
            frame = CODEC.decodeText(text.text());
        } else {
            return;
        }
        if (authenticated.isDone()) {
            listener.onFrame(this, frame);
        } else if (frame instanceof Frame.Challenge challenge) {
            send(device.answer(challenge, ProtocolVersion.CURRENT));
        } else if (frame instanceof Frame.AuthOk) {
            authenticated.complete(this);
        } else {
            authenticated.completeExceptionally(
                    new IOException("authentication refused: " + frame));
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.writeAndFlush(new PingWebSocketFrame());
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        authenticated.completeExceptionally(new IOException("connection closed before auth-ok"));
        listener.onClosed(this);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        authenticated.completeExceptionally(cause);
        ctx.close();
    }
}
