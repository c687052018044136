package dev.cipherline.sdk;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A hostile relay for SDK tests: a WebSocket man in the middle in front of a real relay. Clients
 * connect to {@link #url()}; every connection is paired with its own connection to the real relay,
 * and every frame is decoded with the protocol's codec on the way, so a test can rewrite, drop,
 * record or inject frames toward a client. The real relay still does the real work (authentication,
 * storage, delivery); the man in the middle is what a compromised relay operator could do.
 *
 * <p>Acks for injected deliveries are swallowed (the real relay never assigned those seqs).
 */
final class HostileRelay implements AutoCloseable {
    /** Injected deliveries get seqs from here up, far above the real relay's. */
    static final long INJECTED_SEQ_BASE = 1L << 40;

    private final FrameCodec codec = new FrameCodec();
    private final URI upstream;
    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final OkHttpClient http = new OkHttpClient();
    private final Channel server;
    private final Map<String, Channel> clients = new ConcurrentHashMap<>();
    private final Set<Long> injectedSeqs = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextSeq = new AtomicLong(INJECTED_SEQ_BASE);
    private final List<Frame.Deliver> delivered = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Long> swallowedAcks = new LinkedBlockingQueue<>();
    private volatile BiFunction<String, Frame, List<Frame>> toClient = (account, f) -> List.of(f);

    HostileRelay(URI realRelay) throws InterruptedException {
        this.upstream = URI.create(realRelay.toString().replaceFirst("^http", "ws"));
        server =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        ch.pipeline()
                                                .addLast(new HttpServerCodec())
                                                .addLast(new HttpObjectAggregator(1 << 20))
                                                .addLast(
                                                        new WebSocketServerProtocolHandler(
                                                                "/v1/websocket",
                                                                null,
                                                                false,
                                                                1 << 20))
                                                .addLast(new NotFound())
                                                .addLast(new ClientSide());
                                    }
                                })
                        .bind("127.0.0.1", 0)
                        .sync()
                        .channel();
    }

    /** The URL clients use instead of the real relay's. */
    URI url() {
        return URI.create(
                "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort());
    }

    /**
     * Sets what reaches clients: called with the authenticated account of the connection (null
     * before authentication) and each frame the real relay sent; returns the frames to pass on.
     */
    void tamper(BiFunction<String, Frame, List<Frame>> rewrite) {
        this.toClient = rewrite;
    }

    /** Every deliver frame the real relay sent to any client, in order. */
    List<Frame.Deliver> delivered() {
        return List.copyOf(delivered);
    }

    /** A seq the real relay never assigned; its ack is swallowed by this proxy. */
    long injectedSeq() {
        long seq = nextSeq.getAndIncrement();
        injectedSeqs.add(seq);
        return seq;
    }

    /** Sends {@code frame} to the connection authenticated as {@code account}. */
    void inject(String account, Frame frame) {
        Channel ch = clients.get(account);
        if (ch == null) {
            throw new IllegalStateException(account + " is not connected");
        }
        ch.writeAndFlush(binary(frame));
    }

    /** Waits until the client acknowledged the injected delivery {@code seq}. */
    boolean awaitInjectedAck(long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Long next = swallowedAcks.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next != null && next == seq) {
                return true;
            }
        }
        return false;
    }

    private BinaryWebSocketFrame binary(Frame frame) {
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeBinary(frame)));
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** Plain HTTP requests are not part of these tests. */
    private static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            ctx.writeAndFlush(
                            new DefaultFullHttpResponse(
                                    HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND))
                    .addListener(f -> ctx.close());
        }
    }

    /** One client connection and its twin connection to the real relay. */
    private final class ClientSide extends SimpleChannelInboundHandler<WebSocketFrame> {
        private WebSocket relay;
        private volatile String account;
        private final List<byte[]> early = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                Channel ch = ctx.channel();
                relay =
                        http.newWebSocket(
                                new Request.Builder()
                                        .url(upstream.resolve("/v1/websocket").toString())
                                        .build(),
                                new WebSocketListener() {
                                    @Override
                                    public void onMessage(WebSocket ws, ByteString bytes) {
                                        fromRelay(ch, bytes.toByteArray());
                                    }

                                    @Override
                                    public void onClosing(WebSocket ws, int code, String reason) {
                                        ch.close();
                                    }

                                    @Override
                                    public void onFailure(
                                            WebSocket ws, Throwable t, Response response) {
                                        ch.close();
                                    }
                                });
                for (byte[] b : early) {
                    relay.send(ByteString.of(b));
                }
                early.clear();
            }
            super.userEventTriggered(ctx, evt);
        }

        private void fromRelay(Channel ch, byte[] bytes) {
            Frame frame;
            try {
                frame = codec.decodeBinary(bytes);
            } catch (ProtocolException e) {
                ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
                return;
            }
            if (frame instanceof Frame.Deliver d) {
                delivered.add(d);
            }
            for (Frame f : toClient.apply(account, frame)) {
                ch.writeAndFlush(binary(f));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame msg)
                throws ProtocolException {
            byte[] bytes = ByteBufUtil.getBytes(msg.content());
            Frame frame = codec.decodeBinary(bytes);
            if (frame instanceof Frame.Auth auth) {
                account = auth.accountId();
                clients.put(account, ctx.channel());
            }
            if (frame instanceof Frame.Ack ack) {
                List<Long> real = new ArrayList<>();
                for (long seq : ack.seqs()) {
                    if (injectedSeqs.contains(seq)) {
                        swallowedAcks.add(seq);
                    } else {
                        real.add(seq);
                    }
                }
                if (real.isEmpty()) {
                    return;
                }
                bytes = codec.encodeBinary(new Frame.Ack(real));
            }
            if (relay == null) {
                early.add(bytes);
            } else {
                relay.send(ByteString.of(bytes));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (account != null) {
                clients.remove(account, ctx.channel());
            }
            if (relay != null) {
                relay.close(1000, null);
            }
        }
    }
}
