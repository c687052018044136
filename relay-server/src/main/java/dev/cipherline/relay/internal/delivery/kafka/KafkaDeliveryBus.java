package dev.cipherline.relay.internal.delivery.kafka;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Ephemeral;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Wake;
import dev.cipherline.relay.internal.delivery.kafka.LocalConnections.Subscription;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceLeases;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The delivery bus of a relay cluster: Kafka carries wake-ups and ephemeral envelopes between the
 * nodes, the shared store stays the source of truth, so a record Kafka loses delays a delivery
 * until the device's next read of its queue and loses nothing.
 *
 * <p>Every node keeps a registry of its own connections. {@link #publish} and {@link
 * #forwardEphemeral} go straight to a connection on this node; for any other device they produce
 * one record to a single broadcast topic. Every node reads every partition of that topic, in a
 * consumer group of its own, and acts on the records of the devices connected to it: no lookup of a
 * device's node per message, at the price of every node reading every record.
 *
 * <p>A device has one connection in the whole cluster. {@link #subscribe} claims the device's
 * {@link DeviceLeases lease} for the new connection; if a live connection on another node held it,
 * a takeover record asks that node to close it, and lease renewal (every third of the lease) closes
 * it too should that record be lost.
 *
 * <p>While Kafka does not answer ({@link #connected()} false) every local connection reads its
 * queue every {@link KafkaBusSettings#fallbackPoll()}; when Kafka answers again each reads once
 * more, for the records lost meanwhile. The bus logs one line per change.
 *
 * <p>Thread-safe. No method blocks its caller. Listeners are called from the caller's thread (for a
 * connection on this node), from the bus's consumer thread, its scheduler, or the store's threads
 * (takeovers found by lease renewal).
 */
public final class KafkaDeliveryBus implements DeliveryBus {
    private static final System.Logger LOG = System.getLogger(KafkaDeliveryBus.class.getName());

    /** The most records waiting for the producer before further ones are dropped. */
    static final int PRODUCER_QUEUE = 65_536;

    private final KafkaBusSettings settings;
    private final LocalConnections connections;
    private final LeaseKeeper leases;
    private final Inbox inbox;
    private final BusProducer producer;
    private final Consumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final Thread consumerThread;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean connected = new AtomicBoolean(true);
    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private KafkaDeliveryBus(
            KafkaBusSettings settings,
            DeviceLeases deviceLeases,
            Clock clock,
            Admin admin,
            Consumer<byte[], byte[]> consumer) {
        this.settings = settings;
        this.admin = admin;
        this.consumer = consumer;
        String runTag = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        this.connections = new LocalConnections(settings.nodeId(), runTag);
        BusCodec codec = new BusCodec(new FrameCodec());
        this.inbox = new Inbox(connections, codec);
        this.producer =
                new BusProducer(
                        new KafkaProducer<>(KafkaClients.producer(settings)),
                        settings.topic(),
                        codec,
                        PRODUCER_QUEUE);
        this.leases =
                new LeaseKeeper(
                        settings.nodeId(),
                        deviceLeases,
                        connections,
                        clock,
                        settings.leaseDuration(),
                        producer::offer);
        this.consumerThread = new Thread(this::consume, "kafka-bus-consumer");
        consumerThread.setDaemon(true);
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread thread = new Thread(r, "kafka-bus-scheduler");
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    /**
     * Connects to Kafka, creates the topic if it is missing, starts reading it from its end, and
     * starts the bus's threads.
     *
     * @param leases the device leases of the cluster's shared store
     * @param clock the time of lease expiries
     * @throws IllegalStateException if Kafka does not answer within the settings' start timeout
     */
    public static KafkaDeliveryBus start(
            KafkaBusSettings settings, DeviceLeases leases, Clock clock) {
        KafkaClients.quietLogs();
        Admin admin = Admin.create(KafkaClients.admin(settings));
        Consumer<byte[], byte[]> consumer = null;
        try {
            long deadline = System.nanoTime() + settings.startTimeout().toNanos();
            KafkaClients.ensureTopic(admin, settings, deadline);
            consumer = KafkaClients.consumerAtEnd(settings, deadline);
            KafkaDeliveryBus bus = new KafkaDeliveryBus(settings, leases, clock, admin, consumer);
            bus.startThreads();
            LOG.log(
                    Level.INFO,
                    "Kafka delivery bus of node "
                            + settings.nodeId()
                            + " on topic "
                            + settings.topic()
                            + " at "
                            + settings.bootstrapServers());
            return bus;
        } catch (RuntimeException | Error e) {
            if (consumer != null) {
                consumer.close(Duration.ZERO);
            }
            admin.close(Duration.ZERO);
            throw e;
        }
    }

    private void startThreads() {
        consumerThread.start();
        long renewMillis = settings.leaseDuration().toMillis() / 3;
        repeat(leases::renew, renewMillis);
        repeat(this::checkBroker, settings.healthCheck().toMillis());
        repeat(this::fallbackPoll, settings.fallbackPoll().toMillis());
    }

    private void repeat(Runnable task, long periodMillis) {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        // a periodic task that throws is never run again
                        LOG.log(Level.WARNING, "Kafka bus task failed: " + e);
                    }
                },
                periodMillis,
                periodMillis,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void subscribe(DeviceAddress device, DeliveryListener listener) {
        leases.claim(device, connections.subscribe(device, listener));
    }

    @Override
    public void unsubscribe(DeviceAddress device, DeliveryListener listener) {
        Subscription left = connections.unsubscribe(device, listener);
        if (left != null) {
            leases.release(device, left);
        }
    }

    @Override
    public void publish(DeviceAddress device, List<QueueEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        DeliveryListener listener = connections.listener(device);
        if (listener != null) {
            listener.newEntries(entries);
        } else {
            long lastSeq = entries.get(entries.size() - 1).seq();
            producer.offer(new Wake(settings.nodeId(), device, lastSeq));
        }
    }

    @Override
    public void notices(DeviceAddress device) {
        DeliveryListener listener = connections.listener(device);
        if (listener != null) {
            listener.wake(0);
        } else {
            // a wake with seq 0 reads the notices on whichever node holds the connection
            producer.offer(new Wake(settings.nodeId(), device, 0));
        }
    }

    @Override
    public void forwardEphemeral(DeviceAddress device, Frame.Deliver deliver) {
        DeliveryListener listener = connections.listener(device);
        if (listener != null) {
            listener.ephemeral(deliver);
        } else {
            producer.offer(new Ephemeral(settings.nodeId(), device, deliver));
        }
    }

    /** Whether Kafka answered the last health check; false means the fallback poll is on. */
    @Override
    public boolean connected() {
        return connected.get();
    }

    @Override
    public void disconnect(DeviceAddress device) {
        DeliveryListener listener = connections.listener(device);
        if (listener != null) {
            listener.revoked();
        }
    }

    /** How many devices are connected to this node. */
    public int connectedDevices() {
        return connections.size();
    }

    /** How many records this node queued for Kafka (including those it dropped afterwards). */
    public long recordsProduced() {
        return producer.produced();
    }

    /** How many records this node dropped instead of sending (their entries stay in the store). */
    public long recordsDropped() {
        return producer.dropped();
    }

    /** How many records read from the topic could not be decoded and were skipped. */
    public long recordsMalformed() {
        return inbox.malformed();
    }

    private void consume() {
        while (!closed.get()) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(Duration.ofMillis(500));
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                if (closed.get()) {
                    break;
                }
                LOG.log(Level.WARNING, "reading the Kafka bus failed, retrying: " + e);
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                inbox.accept(record.value());
            }
        }
        consumer.close(Duration.ofSeconds(1));
    }

    private void checkBroker() {
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        int timeout = (int) Math.max(500, Math.min(5_000, settings.healthCheck().toMillis()));
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout))
                    .nodes()
                    .whenComplete(
                            (nodes, error) -> {
                                checking.set(false);
                                setConnected(error == null && !nodes.isEmpty());
                            });
        } catch (RuntimeException e) {
            checking.set(false);
            setConnected(false);
        }
    }

    private void setConnected(boolean up) {
        if (closed.get() || !connected.compareAndSet(!up, up)) {
            return;
        }
        if (up) {
            LOG.log(Level.INFO, "Kafka answers again; every connection reads its queue once");
            wakeAll();
        } else {
            LOG.log(
                    Level.WARNING,
                    "Kafka does not answer; every connection reads its queue every "
                            + settings.fallbackPoll().toMillis()
                            + " ms until it does");
        }
    }

    private void fallbackPoll() {
        if (!connected.get()) {
            wakeAll();
        }
    }

    private void wakeAll() {
        connections.forEach((device, subscription) -> subscription.listener.wake(Long.MAX_VALUE));
    }

    /**
     * Stops the bus's threads and closes its Kafka clients. Leases of connections still open are
     * left to lapse.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        consumer.wakeup();
        try {
            consumerThread.join(TimeUnit.SECONDS.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        admin.close(Duration.ofSeconds(1));
    }
}
