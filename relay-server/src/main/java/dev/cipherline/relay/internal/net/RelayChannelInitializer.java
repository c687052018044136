package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Limits;
import dev.cipherline.relay.RegistrationPolicy;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.tls.ServerTls;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The pipeline of every connection, in order: TLS (when the relay serves https/wss), HTTP codec,
 * the pre-authentication deadline (from accept to {@code auth-ok}), the connection guard (idle
 * timeout, back-pressure, WebSocket decoder errors), the blob API (streamed, so before the
 * aggregator), bounded aggregator, per-address rate limit, the WebSocket upgrade at {@code
 * /v1/websocket} or else the HTTP API (the HTTP-only handlers leave the pipeline after the
 * upgrade); then, on a WebSocket, message aggregator, frame codec, authentication (which leaves
 * once it succeeded) and the session (per-device rate limit, deliveries and acks, sends, prekeys,
 * and the last resort). A connection over the connection cap gets only the HTTP codec and a handler
 * refusing it with {@code 503}; one from an address over its rate limit (every accepted connection
 * takes a token, whether or not it ever finishes a request) gets one refusing it with {@code 429}.
 *
 * <p>Every handler an idle WebSocket keeps costs it a pipeline context, so the ones that stay are
 * few and route to shared logic: after authentication a connection carries Netty's WebSocket
 * encoder, decoder, UTF-8 validator, protocol handler and aggregator, plus the guard, the frame
 * codec and the session.
 */
public final class RelayChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** The WebSocket path. */
    public static final String WEBSOCKET_PATH = "/v1/websocket";

    private final RelaySettings settings;
    private final RelayStore store;
    private final DeliveryBus bus;
    private final Clock clock;
    private final SecureRandom random;
    private final ChannelGroup channels;
    private final Protection protection;
    private final ServerTls tls;
    private final AtomicInteger open = new AtomicInteger();
    private final FrameCodec decoding;
    private final FrameCodec limits;
    private final WebSocketServerProtocolConfig websocket;
    private final IdleSweeper idle;
    private final Backpressure backpressure;
    private final SessionServices session;
    private final ChannelFutureListener closed = f -> open.decrementAndGet();
    private final RelayMetrics metrics;
    private final Supplier<RegistrationPolicy> registration;
    private final BlobService blobs;

    /**
     * An initializer wiring every connection to the same store and bus.
     *
     * @param channels every accepted connection is added here, so shutdown can close them
     * @param tls the TLS of every connection; null for plain http/ws
     */
    public RelayChannelInitializer(
            RelaySettings settings,
            RelayStore store,
            DeliveryBus bus,
            Clock clock,
            SecureRandom random,
            ChannelGroup channels,
            Protection protection,
            ServerTls tls) {
        this(
                settings,
                store,
                bus,
                clock,
                random,
                channels,
                protection,
                tls,
                new RelayMetrics(),
                () -> RegistrationPolicy.OPEN,
                null);
    }

    /**
     * As the other constructor, counting in {@code metrics}, registering as {@code registration}
     * allows (read at every registration), and serving the blob API from {@code blobs} (null: no
     * blob API, its paths are not found).
     */
    public RelayChannelInitializer(
            RelaySettings settings,
            RelayStore store,
            DeliveryBus bus,
            Clock clock,
            SecureRandom random,
            ChannelGroup channels,
            Protection protection,
            ServerTls tls,
            RelayMetrics metrics,
            Supplier<RegistrationPolicy> registration,
            BlobService blobs) {
        this.blobs = blobs;
        this.metrics = metrics;
        this.registration = registration;
        this.settings = settings;
        this.store = store;
        this.bus = bus;
        this.clock = clock;
        this.random = random;
        this.channels = channels;
        this.protection = protection;
        this.tls = tls;
        Limits l = settings.limits();
        this.limits = new FrameCodec(l);
        // the frame codec checks only the frame size and schema; the send and prekey logic check
        // envelope, recipient and prekey limits themselves, so that an error names its request
        this.decoding =
                new FrameCodec(
                        new Limits(
                                l.maxFrameBytes(),
                                l.maxFrameBytes(),
                                Integer.MAX_VALUE,
                                Integer.MAX_VALUE));
        // immutable, so one for every connection
        this.websocket =
                WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(WEBSOCKET_PATH)
                        .maxFramePayloadLength(settings.hardFrameCap())
                        .closeOnProtocolViolation(false)
                        .handshakeTimeoutMillis(settings.authTimeout().toMillis())
                        .subprotocols(FrameCodecHandler.SUBPROTOCOLS)
                        .build();
        this.idle = new IdleSweeper(settings.idleTimeout());
        this.backpressure = new Backpressure(protection::stallTimeout);
        this.session =
                new SessionServices(
                        store,
                        bus,
                        protection.devices(),
                        limits,
                        clock,
                        settings.maxExpiry(),
                        settings.quotaRetryAfter(),
                        settings.window(),
                        metrics);
    }

    /** How many connections are open now, including ones being refused over the cap. */
    public int openConnections() {
        return open.get();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        int count = open.incrementAndGet();
        ch.closeFuture().addListener(closed);
        if (tls != null) {
            // the context current at accept: a reload changes later connections, not this one
            p.addLast("tls", tls.newHandler(ch.alloc()));
        }
        if (count > protection.maxConnections()) {
            p.addLast("http-codec", new HttpServerCodec());
            p.addLast("over-capacity", new OverCapacityHandler(limits));
            return;
        }
        // the connection itself takes a token, so that sockets that never finish a request (or
        // send none) count against their address too; the token pays for its first request
        String address = protection.addressKey(ch);
        long retryAfter = address == null ? 0 : protection.addresses().acquire(address);
        if (retryAfter > 0) {
            metrics.rateLimited("address");
            p.addLast("http-codec", new HttpServerCodec());
            p.addLast(
                    "rate-limited",
                    new OverCapacityHandler(
                            limits,
                            HttpResponseStatus.TOO_MANY_REQUESTS,
                            "too many connections from this address",
                            retryAfter));
            return;
        }
        ch.config().setWriteBufferWaterMark(protection.waterMark());
        p.addLast("http-codec", new HttpServerCodec());
        p.addLast(
                PreAuthDeadlineHandler.NAME,
                new PreAuthDeadlineHandler(settings.authTimeout(), metrics));
        p.addLast("guard", new ConnectionGuardHandler(idle, backpressure));
        if (blobs != null) {
            // before the aggregator: blob bodies are streamed, never aggregated
            p.addLast("blobs", new BlobHandler(limits, blobs));
        }
        p.addLast("http-aggregator", new BoundedHttpAggregator(limits));
        p.addLast(
                "address-rate-limit",
                new AddressRateLimitHandler(protection, limits, address != null, metrics));
        p.addLast("websocket", new WebSocketServerProtocolHandler(websocket));
        p.addLast(
                "upgrade-trim",
                new UpgradeTrimHandler(
                        List.of(
                                "blobs",
                                "http-aggregator",
                                "address-rate-limit",
                                "provisioning",
                                "http-api")));
        p.addLast("provisioning", new ProvisioningHandler(limits, store, clock, random));
        p.addLast(
                "http-api",
                new HttpApiHandler(
                        limits, store, store, metrics, registration, clock, settings.maxDevices()));
        p.addLast("websocket-aggregator", new WebSocketFrameAggregator(settings.hardFrameCap()));
        p.addLast("frame-codec", new FrameCodecHandler(decoding));
        p.addLast("auth", new AuthHandler(store, clock, random, metrics));
        p.addLast("session", new SessionHandler(session));
    }
}
