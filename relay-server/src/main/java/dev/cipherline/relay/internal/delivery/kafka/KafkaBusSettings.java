package dev.cipherline.relay.internal.delivery.kafka;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How a {@link KafkaDeliveryBus} reaches Kafka and keeps its leases. Make one with {@link #of} and
 * change a default with a {@code with} method; every value is checked when it is set.
 *
 * @param bootstrapServers {@code host:port[,host:port…]} of the Kafka cluster
 * @param nodeId this relay node's name, unique in the cluster: it names the node's consumer group
 *     and its device leases
 * @param topic the broadcast topic every node produces to and consumes
 * @param partitions partitions of the topic when the bus creates it (an existing topic is kept)
 * @param leaseDuration how long a device lease lasts unless renewed; the bus renews every third of
 *     it, and a node that died loses its devices after at most this long
 * @param fallbackPoll while Kafka is unreachable, how often every local connection reads its queue
 *     from the store
 * @param healthCheck how often the bus asks Kafka whether it is reachable
 * @param startTimeout how long {@link KafkaDeliveryBus#start} waits for Kafka before it gives up
 */
public record KafkaBusSettings(
        String bootstrapServers,
        String nodeId,
        String topic,
        int partitions,
        Duration leaseDuration,
        Duration fallbackPoll,
        Duration healthCheck,
        Duration startTimeout) {

    /** The topic unless changed: {@value}. */
    public static final String DEFAULT_TOPIC = "cipherline.deliveries";

    // a node ID becomes part of a consumer group name and of connection IDs
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public KafkaBusSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers missing");
        }
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException(
                    "node ID must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (topic == null || !TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("not a Kafka topic name: " + topic);
        }
        if (partitions < 1 || partitions > 10_000) {
            throw new IllegalArgumentException("partitions must be 1..10000");
        }
        positive(leaseDuration, "lease duration", Duration.ofMillis(300));
        positive(fallbackPoll, "fallback poll interval", Duration.ofMillis(10));
        positive(healthCheck, "health check interval", Duration.ofMillis(10));
        positive(startTimeout, "start timeout", Duration.ofMillis(100));
    }

    /**
     * The defaults: topic {@value #DEFAULT_TOPIC} with 6 partitions, 15 s leases, a fallback poll
     * every 2 s, a health check every second, and 30 s to start.
     */
    public static KafkaBusSettings of(String bootstrapServers, String nodeId) {
        return new KafkaBusSettings(
                bootstrapServers,
                nodeId,
                DEFAULT_TOPIC,
                6,
                Duration.ofSeconds(15),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    /** These settings with another topic and partition count. */
    public KafkaBusSettings withTopic(String topic, int partitions) {
        return new KafkaBusSettings(
                bootstrapServers,
                nodeId,
                topic,
                partitions,
                leaseDuration,
                fallbackPoll,
                healthCheck,
                startTimeout);
    }

    /** These settings with another lease duration. */
    public KafkaBusSettings withLeaseDuration(Duration leaseDuration) {
        return new KafkaBusSettings(
                bootstrapServers,
                nodeId,
                topic,
                partitions,
                leaseDuration,
                fallbackPoll,
                healthCheck,
                startTimeout);
    }

    /** These settings with another fallback poll interval and health check interval. */
    public KafkaBusSettings withFallback(Duration fallbackPoll, Duration healthCheck) {
        return new KafkaBusSettings(
                bootstrapServers,
                nodeId,
                topic,
                partitions,
                leaseDuration,
                fallbackPoll,
                healthCheck,
                startTimeout);
    }

    /** These settings with another start timeout. */
    public KafkaBusSettings withStartTimeout(Duration startTimeout) {
        return new KafkaBusSettings(
                bootstrapServers,
                nodeId,
                topic,
                partitions,
                leaseDuration,
                fallbackPoll,
                healthCheck,
                startTimeout);
    }

    private static void positive(Duration value, String name, Duration least) {
        if (value == null || value.compareTo(least) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + least);
        }
    }
}
