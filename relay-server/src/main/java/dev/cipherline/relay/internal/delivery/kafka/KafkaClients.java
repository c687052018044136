package dev.cipherline.relay.internal.delivery.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The configuration of the bus's Kafka clients, and the topic they share. */
final class KafkaClients {
    /**
     * How long the topic keeps records: they matter for seconds, and an ephemeral envelope should
     * not rest on a broker's disk longer than that (segments roll every minute so that they can
     * go).
     */
    static final Duration RETENTION = Duration.ofMinutes(5);

    static final Duration SEGMENT = Duration.ofMinutes(1);

    // JUL keeps loggers weakly: hold the one whose level is set here
    private static final Logger KAFKA_LOGS = Logger.getLogger("org.apache.kafka");

    private KafkaClients() {}

    /**
     * Limits Kafka's own logging to errors unless the operator configured it: its clients log every
     * reconnect attempt while the broker is away, and the bus logs the outage once itself.
     */
    static void quietLogs() {
        synchronized (KAFKA_LOGS) {
            if (KAFKA_LOGS.getLevel() == null) {
                KAFKA_LOGS.setLevel(Level.SEVERE);
            }
        }
    }

    static Properties admin(KafkaBusSettings settings) {
        Properties p = common(settings, "admin");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return p;
    }

    /**
     * Every acknowledged record is on every in-sync replica, written once (idempotence), sent at
     * once (no linger: latency is the point). A record the broker has not taken within a few
     * seconds is dropped; a send blocks the producer thread at most a second for buffer space.
     */
    static Properties producer(KafkaBusSettings settings) {
        Properties p = common(settings, "producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        // keep the topic's metadata through quiet hours, so that no send waits for it
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int) Duration.ofDays(1).toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** A consumer of the node's own group that never commits: it starts at the topic's end. */
    static Properties consumer(KafkaBusSettings settings) {
        Properties p = common(settings, "consumer");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cipherline-relay-" + settings.nodeId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        return p;
    }

    private static Properties common(KafkaBusSettings settings, String role) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(
                AdminClientConfig.CLIENT_ID_CONFIG,
                "cipherline-relay-" + settings.nodeId() + "-" + role);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        return p;
    }

    /**
     * Creates the bus topic unless it exists: the settings' partitions, replicated on up to three
     * brokers, records kept for {@link #RETENTION}.
     *
     * @throws IllegalStateException if Kafka does not answer before {@code deadline} (nanoTime)
     */
    static void ensureTopic(Admin admin, KafkaBusSettings settings, long deadline) {
        try {
            int brokers =
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(left(deadline)))
                            .nodes()
                            .get(left(deadline), TimeUnit.MILLISECONDS)
                            .size();
            NewTopic topic =
                    new NewTopic(
                                    settings.topic(),
                                    settings.partitions(),
                                    (short) Math.max(1, Math.min(3, brokers)))
                            .configs(
                                    Map.of(
                                            "retention.ms", Long.toString(RETENTION.toMillis()),
                                            "segment.ms", Long.toString(SEGMENT.toMillis())));
            try {
                admin.createTopics(
                                List.of(topic), new CreateTopicsOptions().timeoutMs(left(deadline)))
                        .all()
                        .get(left(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(settings, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(settings, e);
        }
    }

    /**
     * A consumer assigned every partition of the topic, positioned at their ends now: a record
     * produced after this returns is read.
     *
     * @throws IllegalStateException if the topic's partitions are not known before {@code deadline}
     */
    static KafkaConsumer<byte[], byte[]> consumerAtEnd(KafkaBusSettings settings, long deadline) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumer(settings));
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty()) {
                // a topic just created may take a moment to appear in the metadata
                List<PartitionInfo> infos =
                        consumer.partitionsFor(settings.topic(), Duration.ofMillis(left(deadline)));
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
                if (partitions.isEmpty() && left(deadline) <= 1) {
                    throw new org.apache.kafka.common.errors.TimeoutException("no partitions");
                }
            }
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                consumer.position(partition, Duration.ofMillis(left(deadline)));
            }
            return consumer;
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(settings, e);
            }
            throw e;
        }
    }

    private static int left(long deadline) {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    private static IllegalStateException unreachable(KafkaBusSettings settings, Exception cause) {
        return new IllegalStateException(
                "Kafka at "
                        + settings.bootstrapServers()
                        + " did not set up topic "
                        + settings.topic()
                        + " in time: "
                        + (cause.getCause() != null ? cause.getCause() : cause),
                cause);
    }
}
