package dev.cipherline.relay.internal.delivery.kafka;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How a {@link KafkaDeliveryBus} reaches Kafka and keeps its leases: {@link #of} for the defaults,
 * {@link #builder} to change some. Every value is checked when the settings are made.
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
        return builder(bootstrapServers, nodeId).build();
    }

    /** A builder that starts from the {@linkplain #of defaults}. */
    public static Builder builder(String bootstrapServers, String nodeId) {
        return new Builder(bootstrapServers, nodeId);
    }

    /** Changes defaults one at a time; {@link #build} checks them all. */
    public static final class Builder {
        private final String bootstrapServers;
        private final String nodeId;
        private String topic = DEFAULT_TOPIC;
        private int partitions = 6;
        private Duration leaseDuration = Duration.ofSeconds(15);
        private Duration fallbackPoll = Duration.ofSeconds(2);
        private Duration healthCheck = Duration.ofSeconds(1);
        private Duration startTimeout = Duration.ofSeconds(30);

        private Builder(String bootstrapServers, String nodeId) {
            this.bootstrapServers = bootstrapServers;
            this.nodeId = nodeId;
        }

        /** The topic, and its partitions should the bus create it. */
        public Builder topic(String topic, int partitions) {
            this.topic = topic;
            this.partitions = partitions;
            return this;
        }

        /** How long a device lease lasts unless renewed. */
        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = leaseDuration;
            return this;
        }

        /** How often connections read their queues while Kafka is unreachable. */
        public Builder fallbackPoll(Duration fallbackPoll) {
            this.fallbackPoll = fallbackPoll;
            return this;
        }

        /** How often the bus asks Kafka whether it is reachable. */
        public Builder healthCheck(Duration healthCheck) {
            this.healthCheck = healthCheck;
            return this;
        }

        /** How long starting waits for Kafka. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the value that is out of range
         */
        public KafkaBusSettings build() {
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
    }

    private static void positive(Duration value, String name, Duration least) {
        if (value == null || value.compareTo(least) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + least);
        }
    }
}
