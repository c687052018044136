package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.TempDirs;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NATS JetStream as a {@link Messaging} system, spoken to with the official Java client (jnats).
 * One stream {@code CL} with file storage and work-queue retention holds subjects {@code cl.>}; a
 * device is a durable push consumer filtered on its own subject {@code cl.d<n>} with explicit acks
 * and the relay's delivery window as its {@code max_ack_pending}; a send is a JetStream publish to
 * the recipient's subject; accepted is the publish ack (the message is in the stream); delivered is
 * the message's arrival at the subscriber, and the device's ack is the consumer ack (which removes
 * it from the work queue). Each device has its own connection.
 */
public final class NatsMessaging implements Messaging {
    private static final String STREAM = "CL";

    private final ExternalServer server;
    private final String url;
    private final Connection admin;
    private final ExecutorService threads;
    private final AtomicLong errors = new AtomicLong();
    private int provisioned;

    private NatsMessaging(ExternalServer server, String url, Connection admin, ExecutorService t) {
        this.server = server;
        this.url = url;
        this.admin = admin;
        this.threads = t;
    }

    /**
     * Starts a fresh nats-server with JetStream on free loopback ports, its store in a new
     * temporary folder, and creates the stream.
     *
     * @throws ExternalServer.MissingBinaryException if nats-server is not installed
     */
    public static NatsMessaging start() throws Exception {
        Path binary = ExternalServer.find("nats-server", "nats-server");
        Path work = Files.createTempDirectory("cipherline-bench-nats-");
        ExternalServer server = null;
        try {
            int port = ExternalServer.freePort();
            int monitor = ExternalServer.freePort();
            while (monitor == port) {
                monitor = ExternalServer.freePort();
            }
            NatsConfig config = new NatsConfig(port, monitor, work.resolve("jetstream"));
            Path file = work.resolve("nats.conf");
            server =
                    ExternalServer.start(
                            "nats-server",
                            work,
                            "nats.conf",
                            config.render(),
                            List.of(binary.toString(), "-c", file.toString()),
                            port);
            String url = "nats://127.0.0.1:" + port;
            ExecutorService threads = Executors.newCachedThreadPool(smallStacks());
            Connection admin = Nats.connect(options(url, threads, "admin"));
            JetStreamManagement jsm = admin.jetStreamManagement();
            jsm.addStream(
                    StreamConfiguration.builder()
                            .name(STREAM)
                            .subjects("cl.>")
                            .storageType(StorageType.File)
                            .retentionPolicy(RetentionPolicy.WorkQueue)
                            .build());
            return new NatsMessaging(server, url, admin, threads);
        } catch (Exception e) {
            if (server != null) {
                server.close();
            } else if (Files.exists(work)) {
                TempDirs.delete(work);
            }
            throw e;
        }
    }

    /**
     * Client threads with small stacks: each connection keeps a reader, a writer and a dispatcher
     * thread (a dispatcher on the shared executor would hand one subscription's messages to several
     * threads at once, out of order).
     */
    private static ThreadFactory smallStacks() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, "nats-client-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        };
    }

    private static Options options(String url, ExecutorService threads, String name) {
        return new Options.Builder()
                .server(url)
                .connectionName(name)
                .connectionTimeout(Duration.ofSeconds(30))
                .noReconnect()
                .executor(threads)
                .connectThreadFactory(smallStacks())
                .callbackThreadFactory(smallStacks())
                .build();
    }

    @Override
    public String system() {
        return "NATS";
    }

    @Override
    public String durability() {
        return "JetStream file storage: publish ack once written to the page cache, no fsync per"
                + " message (default sync_interval)";
    }

    @Override
    public long serverPid() {
        return server.pid();
    }

    @Override
    public long errors() {
        return errors.get();
    }

    @Override
    public List<Endpoint> provision(int count) throws Exception {
        JetStreamManagement jsm = admin.jetStreamManagement();
        List<Endpoint> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Device d = new Device(provisioned++);
            jsm.addOrUpdateConsumer(
                    STREAM,
                    ConsumerConfiguration.builder()
                            .durable(d.durable())
                            .filterSubject(d.subject())
                            .deliverSubject(d.deliverSubject())
                            .deliverPolicy(DeliverPolicy.All)
                            .ackPolicy(AckPolicy.Explicit)
                            .ackWait(Duration.ofSeconds(60))
                            .maxAckPending(MosquittoConfig.DEFAULT_INFLIGHT)
                            .build());
            out.add(d);
        }
        return out;
    }

    @Override
    public CompletableFuture<Peer> connect(Endpoint endpoint, Inbox inbox) {
        Device device = (Device) endpoint;
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        Connection nc = Nats.connect(options(url, threads, device.durable()));
                        JetStream js = nc.jetStream();
                        Dispatcher dispatcher = nc.createDispatcher();
                        js.subscribe(
                                device.subject(),
                                dispatcher,
                                msg -> {
                                    inbox.onMessage(msg.getData());
                                    msg.ack();
                                },
                                false,
                                PushSubscribeOptions.bind(STREAM, device.durable()));
                        return new Connected(nc, js);
                    } catch (Exception e) {
                        throw new IllegalStateException(
                                "NATS connect of " + device.durable() + ": " + e, e);
                    }
                },
                threads);
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close();
        } finally {
            threads.shutdownNow();
            server.close();
        }
    }

    private record Device(int index) implements Endpoint {
        String durable() {
            return "d" + index;
        }

        String subject() {
            return "cl.d" + index;
        }

        String deliverSubject() {
            return "dlv.d" + index;
        }
    }

    private final class Connected implements Peer {
        private final Connection nc;
        private final JetStream js;

        Connected(Connection nc, JetStream js) {
            this.nc = nc;
            this.js = js;
        }

        @Override
        public void send(Endpoint to, byte[] payload, Runnable onAccepted) {
            js.publishAsync(((Device) to).subject(), payload)
                    .whenComplete(
                            (ack, e) -> {
                                if (e == null && !ack.isDuplicate()) {
                                    onAccepted.run();
                                } else {
                                    errors.incrementAndGet();
                                }
                            });
        }

        @Override
        public void close() {
            try {
                nc.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
