package dev.cipherline.bench.internal.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's side of many WebSocket connections: one Netty event loop group for all of
 * them, each connection authenticating like the SDK (Ed25519 over the relay's challenge) and
 * speaking binary CBOR frames. Connections ping every 25 seconds when idle, as the SDK does. Uses
 * Linux epoll where its native part loads (as the relay does), else NIO.
 */
public final class ClientGroup implements AutoCloseable {
    private static final Duration PING_INTERVAL = Duration.ofSeconds(25);
    private static final int MAX_FRAME = 1 << 20;

    private static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup group;
    private final URI webSocket;
    private final boolean flushEachSend;

    /** A group of {@code threads} event loops connecting to the relay at {@code relay}. */
    public ClientGroup(URI relay, int threads) {
        this(relay, threads, false);
    }

    /**
     * A group of {@code threads} event loops connecting to the relay at {@code relay}; with {@code
     * flushEachSend} each connection writes and flushes every frame on its own, as the SDK does.
     */
    public ClientGroup(URI relay, int threads, boolean flushEachSend) {
        this.flushEachSend = flushEachSend;
        this.group =
                new MultiThreadIoEventLoopGroup(
                        threads, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.webSocket = URI.create(relay.toString().replaceFirst("^http", "ws") + "/v1/websocket");
    }

    /**
     * Connects and authenticates {@code device}; the future completes after {@code auth-ok}, and
     * every later frame goes to {@code listener} on the connection's event loop.
     */
    public CompletableFuture<BenchConnection> connect(BenchDevice device, FrameListener listener) {
        BenchConnection connection = new BenchConnection(device, listener, flushEachSend);
        WebSocketClientProtocolConfig config =
                WebSocketClientProtocolConfig.newBuilder()
                        .webSocketUri(webSocket)
                        .maxFramePayloadLength(MAX_FRAME)
                        .handshakeTimeoutMillis(30_000)
                        .build();
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(group)
                        .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                        .handler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        ChannelPipeline p = ch.pipeline();
                                        p.addLast(new HttpClientCodec());
                                        p.addLast(new HttpObjectAggregator(8192));
                                        p.addLast(new WebSocketClientProtocolHandler(config));
                                        p.addLast(new WebSocketFrameAggregator(MAX_FRAME));
                                        p.addLast(
                                                new IdleStateHandler(
                                                        0,
                                                        PING_INTERVAL.toMillis(),
                                                        0,
                                                        TimeUnit.MILLISECONDS));
                                        p.addLast(connection);
                                    }
                                });
        bootstrap
                .connect(webSocket.getHost(), webSocket.getPort())
                .addListener(
                        f -> {
                            if (!f.isSuccess()) {
                                connection.authenticated().completeExceptionally(f.cause());
                            }
                        });
        return connection.authenticated();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
    }
}
