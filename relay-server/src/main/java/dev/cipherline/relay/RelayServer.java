package dev.cipherline.relay;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.Limits;
import dev.cipherline.relay.internal.admin.AdminHandler;
import dev.cipherline.relay.internal.admin.AdminServices;
import dev.cipherline.relay.internal.admin.AdminToken;
import dev.cipherline.relay.internal.admin.Invites;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.delivery.LocalDeliveryBus;
import dev.cipherline.relay.internal.delivery.kafka.KafkaBusSettings;
import dev.cipherline.relay.internal.delivery.kafka.KafkaDeliveryBus;
import dev.cipherline.relay.internal.log.Fields;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.net.BlobService;
import dev.cipherline.relay.internal.net.Protection;
import dev.cipherline.relay.internal.net.RelayChannelInitializer;
import dev.cipherline.relay.internal.net.RelaySettings;
import dev.cipherline.relay.internal.net.Transport;
import dev.cipherline.relay.internal.store.DeviceLeases;
import dev.cipherline.relay.internal.store.QueueTotals;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.store.StoreSettings;
import dev.cipherline.relay.internal.store.StoreThreads;
import dev.cipherline.relay.internal.store.StoreUnavailableException;
import dev.cipherline.relay.internal.store.mongo.MongoRelayStore;
import dev.cipherline.relay.internal.store.mongo.MongoSettings;
import dev.cipherline.relay.internal.store.sqlite.SqliteRelayStore;
import dev.cipherline.relay.internal.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running relay: one port serving the HTTP API and the WebSocket, over the SQLite store in the
 * data directory, or as one node of a cluster over a shared MongoDB store with the Kafka bus
 * between the nodes ({@link Backends}). {@link #start} binds and returns; {@link #close} shuts down
 * cleanly: it stops accepting connections, lets every send that reached the store commit and be
 * answered, closes every WebSocket with 1001, and closes the database.
 */
public final class RelayServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RelayServer.class.getName());
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration QUOTA_RETRY_AFTER = Duration.ofSeconds(30);
    private static final AdaptiveRecvByteBufAllocator RECEIVE_SIZES =
            new AdaptiveRecvByteBufAllocator();

    private final Transport transport;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ScheduledExecutorService sweeper;
    private final ExecutorService blobIo;
    private final Clock clock;
    private final RelayStore store;
    private final DeliveryBus bus;
    private final ChannelGroup channels;
    private final RelayChannelInitializer initializer;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final ServerTls tls;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RelayMetrics metrics;
    private final Channel adminChannel;
    private final EventLoopGroup adminGroup;
    private final InetSocketAddress adminAddress;
    private volatile RegistrationPolicy registration;
    private final Protection protection;
    private final List<Reloadable> reloadables = new CopyOnWriteArrayList<>();
    private volatile RelayConfig config;

    private RelayServer(RelayConfig config, Clock clock) throws IOException {
        this.clock = clock;
        this.config = config;
        TlsFiles files = config.tls();
        // before the store opens: a wrong file name is the most likely mistake of a first start
        tls = files == null ? null : ServerTls.load(files.certFile(), files.keyFile(), clock);
        sweeper = Executors.newSingleThreadScheduledExecutor(StoreThreads.named("relay-sweeper"));
        // file reads, writes and syncs of blobs: off the event loops
        blobIo = Executors.newFixedThreadPool(2, StoreThreads.named("relay-blob-io"));
        try {
            store = openStore(config, clock);
        } catch (IOException e) {
            shutdownExecutors();
            throw e;
        }
        try {
            bus = openBus(config.backends(), store, clock);
        } catch (IOException e) {
            store.close();
            shutdownExecutors();
            throw e;
        }
        long startedAt = clock.millis();
        registration = config.operations().registration();
        metrics = new RelayMetrics().withJvm();
        store.observeCommits(metrics::committed);
        SecureRandom random = new SecureRandom();
        AdminToken token = null;
        if (config.operations().adminEnabled()) {
            try {
                token = AdminToken.loadOrCreate(config.dataDir(), random);
            } catch (IOException e) {
                try {
                    bus.close();
                } catch (Exception closeFailure) {
                    e.addSuppressed(closeFailure);
                }
                store.close();
                shutdownExecutors();
                throw new IOException("cannot use the admin token file: " + e.getMessage(), e);
            }
        }
        Limits limits = Limits.DEFAULT;
        RelaySettings settings =
                new RelaySettings(
                        limits,
                        limits.maxFrameBytes() * 2,
                        config.maxExpiry(),
                        config.window(),
                        config.abuse().authTimeout(),
                        IDLE_TIMEOUT,
                        QUOTA_RETRY_AFTER,
                        config.operations().maxDevices());
        channels = new DefaultChannelGroup("relay-connections", GlobalEventExecutor.INSTANCE);
        protection = Protection.of(config.abuse(), clock);
        reloadables.add(next -> protection.apply(next.abuse()));
        if (tls != null) {
            // SIGHUP re-reads the certificate and key files (renewed certificates)
            reloadables.add(next -> reloadTls());
        }
        // SIGHUP changes who may register from the next registration on
        reloadables.add(next -> setRegistration(next.operations().registration()));
        initializer =
                new RelayChannelInitializer(
                        settings,
                        store,
                        bus,
                        clock,
                        random,
                        channels,
                        protection,
                        tls,
                        metrics,
                        () -> registration,
                        store.blobs() == null
                                ? null
                                : new BlobService(
                                        store.blobs(),
                                        store,
                                        store,
                                        config.blobs(),
                                        config.maxExpiry(),
                                        blobIo,
                                        clock,
                                        random));
        registerGauges();
        transport = Transport.choose();
        bossGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        workerGroup =
                new MultiThreadIoEventLoopGroup(workerThreads(), transport.ioHandlerFactory());
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(bossGroup, workerGroup)
                        .channel(transport.serverChannel())
                        // one allocator for all: each connection keeps only its own handle
                        .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_SIZES)
                        // Netty's default on Linux, said here because latency depends on it: a
                        // small frame must not wait for the client's delayed ACK of the last one
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(initializer);
        try {
            serverChannel =
                    bootstrap.bind(config.host(), config.port()).syncUninterruptibly().channel();
        } catch (Exception e) { // bind failures arrive as unchecked-at-compile-time exceptions
            closeQuietly();
            throw new IOException(
                    "cannot listen on "
                            + config.host()
                            + ":"
                            + config.port()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        address = (InetSocketAddress) serverChannel.localAddress();
        if (token != null) {
            AdminServices admin =
                    new AdminServices(
                            metrics,
                            store,
                            bus,
                            new Invites(store, clock, random),
                            token,
                            initializer::openConnections,
                            () -> registration.word(),
                            clock,
                            startedAt);
            // a thread of its own: a scrape waits for the store, and must never hold up clients
            adminGroup = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
            adminChannel = bindAdmin(config.operations(), new AdminHandler(admin));
            adminAddress = (InetSocketAddress) adminChannel.localAddress();
        } else {
            adminGroup = null;
            adminChannel = null;
            adminAddress = null;
        }
        LOG.log(
                Level.INFO,
                "listening on "
                        + address
                        + "; "
                        + describe(config)
                        + "; max expiry "
                        + config.maxExpiry()
                        + "; queue quota "
                        + config.queueQuota()
                        + "; window "
                        + config.window()
                        + "; device rate "
                        + config.abuse().deviceRate()
                        + "; address rate "
                        + config.abuse().addressRate()
                        + (config.abuse().limitLoopback() ? " (loopback too)" : "")
                        + "; max connections "
                        + config.abuse().maxConnections()
                        + "; stall timeout "
                        + config.abuse().stallTimeout()
                        + "; auth timeout "
                        + config.abuse().authTimeout()
                        + "; registration "
                        + registration.word()
                        + "; max devices "
                        + config.operations().maxDevices()
                        + "; admin "
                        + (adminAddress == null ? "off" : adminAddress.toString())
                        + "; transport "
                        + transportName()
                        + (tls == null ? "; plain http" : "; TLS"),
                Fields.of(
                        "event",
                        "started",
                        "address",
                        address.getHostString() + ":" + address.getPort(),
                        "store",
                        config.backends().store().name().toLowerCase(Locale.ROOT),
                        "bus",
                        config.backends().bus().name().toLowerCase(Locale.ROOT),
                        "maxExpiryMs",
                        config.maxExpiry().toMillis(),
                        "queueQuota",
                        config.queueQuota(),
                        "window",
                        config.window(),
                        "maxConnections",
                        config.abuse().maxConnections(),
                        "authTimeoutMs",
                        config.abuse().authTimeout().toMillis(),
                        "registration",
                        registration.word(),
                        "admin",
                        adminAddress == null
                                ? "off"
                                : adminAddress.getHostString() + ":" + adminAddress.getPort(),
                        "transport",
                        transportName(),
                        "tls",
                        tls != null));
        if (tls == null && !address.getAddress().isLoopbackAddress()) {
            LOG.log(
                    Level.WARNING,
                    "listening on "
                            + address
                            + " without TLS: anyone on the path sees who talks to the relay and"
                            + " when, and can hijack connections; give --tls-cert and --tls-key,"
                            + " or put a TLS proxy in front (docs/OPERATIONS.md)");
        }
        long sweepMillis = config.operations().sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(
                this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds the admin listener: HTTP/1.1 only, requests up to 64 KiB, 30 seconds to send one, one
     * request per connection.
     */
    private Channel bindAdmin(Operations ops, AdminHandler handler) throws IOException {
        ServerBootstrap admin =
                new ServerBootstrap()
                        .group(adminGroup)
                        .channel(transport.serverChannel())
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        ch.pipeline()
                                                .addLast(new ReadTimeoutHandler(30))
                                                .addLast(new HttpServerCodec())
                                                .addLast(new HttpObjectAggregator(64 * 1024))
                                                .addLast(handler);
                                    }
                                });
        try {
            return admin.bind(ops.adminHost(), ops.adminPort()).syncUninterruptibly().channel();
        } catch (Exception e) { // bind failures arrive as unchecked-at-compile-time exceptions
            adminGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            closeQuietly();
            throw new IOException(
                    "cannot listen for admin on "
                            + ops.adminHost()
                            + ":"
                            + ops.adminPort()
                            + " (--admin-listen HOST:PORT or off): "
                            + e.getMessage(),
                    e);
        }
    }

    /** Gauges read at every scrape: connections, and the store's queue totals. */
    private void registerGauges() {
        metrics.gauge(
                "cipherline_relay_connections",
                "Open TCP connections on the public listener (HTTP and WebSocket)",
                initializer::openConnections);
        metrics.gauge(
                "cipherline_relay_queue_entries",
                "Queue entries stored now, counted by the store at scrape time (-1: the store did"
                        + " not answer)",
                () -> {
                    QueueTotals t = queueTotals();
                    return t == null ? -1 : t.entries();
                });
        metrics.gauge(
                "cipherline_relay_queue_bytes",
                "Ciphertext bytes queued now, counted by the store at scrape time (-1: the store"
                        + " did not answer)",
                () -> {
                    QueueTotals t = queueTotals();
                    return t == null ? -1 : t.bytes();
                });
    }

    /** The store's queue totals now, or null if it does not answer within 5 seconds. */
    private QueueTotals queueTotals() {
        try {
            return store.queueTotals().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "queue totals unavailable: " + e);
            return null;
        }
    }

    /** Opens the configured store: SQLite in the data directory, or the cluster's MongoDB. */
    private static RelayStore openStore(RelayConfig config, Clock clock) throws IOException {
        StoreSettings settings = new StoreSettings(config.queueQuota(), config.maxExpiry());
        Backends b = config.backends();
        return switch (b.store()) {
            case SQLITE -> SqliteRelayStore.open(config.dataDir(), settings, clock);
            case MONGODB -> {
                try {
                    yield MongoRelayStore.open(
                            MongoSettings.of(b.mongoUri().toString(), b.mongoDatabase())
                                    .withWriteConcern(b.mongoWriteConcern(), b.mongoJournal()),
                            settings,
                            clock);
                } catch (StoreUnavailableException e) {
                    throw new IOException(
                            "cannot use MongoDB at "
                                    + Backends.masked(b.mongoUri())
                                    + ": "
                                    + e.getMessage(),
                            e);
                }
            }
        };
    }

    /** Starts the configured delivery bus: this process alone, or Kafka between the nodes. */
    private static DeliveryBus openBus(Backends b, RelayStore store, Clock clock)
            throws IOException {
        if (b.bus() == Backends.Bus.LOCAL) {
            return new LocalDeliveryBus();
        }
        // Backends admits --bus kafka only with --store mongodb, whose store keeps the leases
        if (!(store instanceof DeviceLeases leases)) {
            throw new IOException("the Kafka bus needs a store shared by the nodes");
        }
        try {
            return KafkaDeliveryBus.start(
                    KafkaBusSettings.of(b.kafkaBootstrap(), b.nodeId()), leases, clock);
        } catch (RuntimeException e) {
            throw new IOException(
                    "cannot use Kafka at " + b.kafkaBootstrap() + ": " + e.getMessage(), e);
        }
    }

    private String transportName() {
        return transport == Transport.EPOLL ? "epoll" : "nio (" + transport.reason() + ")";
    }

    /** The store and bus in use, for the start-up log line; no password. */
    private static String describe(RelayConfig config) {
        Backends b = config.backends();
        String store =
                b.store() == Backends.Store.SQLITE
                        ? "store sqlite in " + config.dataDir().toAbsolutePath()
                        : "store mongodb at "
                                + Backends.masked(b.mongoUri())
                                + " database "
                                + b.mongoDatabase()
                                + " (write concern "
                                + b.mongoWriteConcern()
                                + (b.mongoJournal() ? ", journaled)" : ", not journaled)");
        String bus =
                b.bus() == Backends.Bus.LOCAL
                        ? "bus local"
                        : "bus kafka at " + b.kafkaBootstrap() + " as node " + b.nodeId();
        return store + "; " + bus;
    }

    /**
     * Opens the store and starts listening.
     *
     * @throws IOException if the data directory cannot be used or the address cannot be bound
     */
    public static RelayServer start(RelayConfig config, Clock clock) throws IOException {
        return new RelayServer(config, clock);
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * One event loop per core, not Netty's default of two: the store's writer thread needs a core
     * of its own, and fewer loops switch less (measured: 29 against 36 µs of relay CPU per message
     * in W1). Netty's {@code io.netty.eventLoopThreads} property still decides when it is set.
     */
    private static int workerThreads() {
        return Math.max(
                1,
                Integer.getInteger(
                        "io.netty.eventLoopThreads", Runtime.getRuntime().availableProcessors()));
    }

    /** The socket transport in use. */
    Transport transport() {
        return transport;
    }

    /**
     * The relay URL clients use, e.g. {@code http://127.0.0.1:7400}, or {@code https://...} when
     * the relay serves TLS.
     */
    public URI url() {
        String host = address.getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls == null ? "http://" : "https://") + host + ":" + address.getPort());
    }

    /**
     * Reads the TLS certificate and key files again and serves them to new connections, without
     * dropping any: open connections keep the session they have. If the new files cannot be used,
     * the relay keeps serving the previous certificate and logs one warning saying why. For a
     * reload trigger such as SIGHUP; safe from any thread.
     *
     * @return whether the new certificate is now served; false also when the relay serves plain
     *     http (nothing to reload)
     */
    public boolean reloadTls() {
        if (tls == null) {
            LOG.log(Level.INFO, "TLS reload asked for, but this relay serves plain http");
            return false;
        }
        return tls.reload();
    }

    /** The certificate served to new connections now; null without TLS. */
    X509Certificate tlsCertificate() {
        return tls == null ? null : tls.certificate();
    }

    /**
     * Registers a part that takes new settings on SIGHUP (after the relay's own limits). Parts that
     * others add (TLS certificates, registration policy...) register here when the server starts.
     */
    public void addReloadable(Reloadable part) {
        reloadables.add(part);
    }

    /**
     * Gives the running relay new settings: every registered {@link Reloadable} applies what it can
     * change, without dropping a connection. The caller (the SIGHUP handler) decides which options
     * may change: options that need a restart come with their running values.
     */
    public void reload(RelayConfig next) {
        config = next;
        for (Reloadable part : reloadables) {
            try {
                part.reload(next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a part of the relay failed to reload: " + e);
            }
        }
    }

    /** The configuration the relay runs with now (the latest reload's). */
    public RelayConfig config() {
        return config;
    }

    /**
     * The admin listener's base URL, e.g. {@code http://127.0.0.1:7401}, or null when it is off.
     */
    public URI adminUrl() {
        if (adminAddress == null) {
            return null;
        }
        String host = adminAddress.getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + adminAddress.getPort());
    }

    /** The registration policy in force. */
    public RegistrationPolicy registration() {
        return registration;
    }

    /**
     * Changes who may register from the next registration on (for a configuration reload); logs the
     * change.
     */
    public void setRegistration(RegistrationPolicy policy) {
        RegistrationPolicy old = registration;
        registration = java.util.Objects.requireNonNull(policy, "policy");
        if (old != policy) {
            LOG.log(Level.INFO, "registration changed from " + old.word() + " to " + policy.word());
        }
    }

    /** How many TCP connections are open now (HTTP and WebSocket, refused ones included). */
    public int openConnections() {
        return initializer.openConnections();
    }

    private void sweep() {
        if (store.blobs() != null) {
            store.blobs()
                    .sweep(clock.millis())
                    .whenComplete(
                            (count, error) -> {
                                if (error != null) {
                                    LOG.log(
                                            Level.DEBUG,
                                            "blob sweep skipped: " + error.getMessage());
                                } else if (count > 0) {
                                    LOG.log(
                                            Level.INFO,
                                            "swept " + count + " expired blobs",
                                            Fields.of("event", "blobs-swept", "blobs", count));
                                }
                            });
        }
        store.sweep()
                .whenComplete(
                        (result, error) -> {
                            if (error != null) {
                                LOG.log(Level.DEBUG, "sweep skipped: " + error.getMessage());
                            } else if (result.entries() + result.bodies() + result.sendIds() > 0) {
                                // their connections, wherever they are, write the new notices now
                                result.noticed().forEach(bus::notices);
                                metrics.swept(result.entries());
                                LOG.log(
                                        Level.INFO,
                                        "swept "
                                                + result.entries()
                                                + " expired entries, "
                                                + result.bodies()
                                                + " bodies, "
                                                + result.sendIds()
                                                + " send IDs",
                                        Fields.of(
                                                "event", "swept",
                                                "entries", result.entries(),
                                                "bodies", result.bodies(),
                                                "sendIds", result.sendIds()));
                            }
                        });
    }

    /** Shuts down cleanly; waits at most about half a minute. Safe to call more than once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.INFO, "shutting down");
        serverChannel.close().syncUninterruptibly();
        if (adminChannel != null) {
            adminChannel.close().syncUninterruptibly();
            adminGroup
                    .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                    .awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        sweeper.shutdownNow();
        try {
            // every send that reached the store commits, and its answer is queued on its event
            // loop before the close frame queued below
            store.drainWrites().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "the store did not drain its writes: " + e);
        }
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> goAway(channel));
        }
        channels.newCloseFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        closeQuietly();
        LOG.log(Level.INFO, "stopped");
    }

    private static void goAway(Channel channel) {
        if (channel.pipeline().get("frame-codec") != null && channel.isActive()) {
            channel.writeAndFlush(
                            new CloseWebSocketFrame(CloseCodes.GOING_AWAY, "relay shutting down"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private void closeQuietly() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workerGroup
                .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                .awaitUninterruptibly(5, TimeUnit.SECONDS);
        bossGroup
                .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                .awaitUninterruptibly(5, TimeUnit.SECONDS);
        // after the connections closed (each released its lease), before the store they use
        try {
            bus.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing the delivery bus failed: " + e);
        }
        store.close();
        shutdownExecutors();
    }

    private void shutdownExecutors() {
        sweeper.shutdownNow();
        blobIo.shutdownNow();
    }
}
