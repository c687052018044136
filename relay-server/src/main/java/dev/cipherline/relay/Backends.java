package dev.cipherline.relay;

import dev.cipherline.relay.internal.config.ValueType;
import java.net.URI;

/**
 * Where a relay keeps its data and how its nodes tell each other about new entries: the embedded
 * SQLite store with the in-process bus (one node, the default), or a MongoDB store shared by
 * several nodes with the Kafka bus between them (a cluster).
 *
 * @param store which storage engine
 * @param mongoUri the MongoDB connection string ({@code mongodb://...}), or null; required for
 *     {@link Store#MONGODB}
 * @param mongoDatabase the database holding the relay's collections
 * @param mongoWriteConcern how many replica-set members acknowledge a write before a send is {@code
 *     accepted}: {@code majority} (the default), or a number 1..99
 * @param mongoJournal whether those members must have the write in their journal first (default
 *     true)
 * @param bus how nodes wake each other
 * @param kafkaBootstrap the Kafka bootstrap servers ({@code HOST:PORT[,HOST:PORT...]}); required
 *     for {@link Bus#KAFKA}
 * @param nodeId this node's name in the cluster, unique among its nodes and the same across its
 *     restarts (its Kafka consumer group and its device leases carry it); required for {@link
 *     Bus#KAFKA}
 */
public record Backends(
        Store store,
        URI mongoUri,
        String mongoDatabase,
        String mongoWriteConcern,
        boolean mongoJournal,
        Bus bus,
        String kafkaBootstrap,
        String nodeId) {

    /** The storage engines. */
    public enum Store {
        SQLITE,
        MONGODB
    }

    /** The delivery buses. */
    public enum Bus {
        LOCAL,
        KAFKA
    }

    /** The default: SQLite in the data directory, one node. */
    public static final Backends SINGLE_NODE =
            new Backends(Store.SQLITE, null, "cipherline", "majority", true, Bus.LOCAL, null, null);

    /** Checks that every engine has what it needs and that a cluster bus has a shared store. */
    public Backends {
        if (store == null || bus == null) {
            throw new IllegalArgumentException("store and bus must be given");
        }
        if (store == Store.MONGODB) {
            if (mongoUri == null) {
                throw new IllegalArgumentException("--store mongodb needs --mongo-uri URI.");
            }
            String scheme = mongoUri.getScheme();
            if (!"mongodb".equals(scheme) && !"mongodb+srv".equals(scheme)) {
                throw new IllegalArgumentException(
                        "--mongo-uri must start with mongodb:// or mongodb+srv://.");
            }
        }
        if (mongoDatabase == null || !mongoDatabase.matches("[A-Za-z0-9_-]{1,63}")) {
            throw new IllegalArgumentException(
                    "--mongo-database must be 1..63 letters, digits, '_' or '-'.");
        }
        if (mongoWriteConcern == null
                || !(mongoWriteConcern.equals("majority")
                        || mongoWriteConcern.matches("[1-9][0-9]?"))) {
            throw new IllegalArgumentException(
                    "--mongo-write-concern must be majority or a number of members 1..99.");
        }
        if (bus == Bus.KAFKA) {
            if (store != Store.MONGODB) {
                throw new IllegalArgumentException(
                        "--bus kafka needs --store mongodb: the nodes of a cluster share one"
                                + " store.");
            }
            if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
                throw new IllegalArgumentException(
                        "--bus kafka needs --kafka-bootstrap HOST:PORT.");
            }
            if (nodeId == null) {
                throw new IllegalArgumentException("--bus kafka needs --node-id ID.");
            }
        }
        if (nodeId != null && !nodeId.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException(
                    "--node-id must be 1..64 letters, digits, '.', '_' or '-'.");
        }
    }

    /** As the record's, but a password in the MongoDB URI is masked: this string reaches logs. */
    @Override
    public String toString() {
        return "Backends[store="
                + store
                + ", mongoUri="
                + (mongoUri == null ? null : masked(mongoUri))
                + ", mongoDatabase="
                + mongoDatabase
                + ", mongoWriteConcern="
                + mongoWriteConcern
                + ", mongoJournal="
                + mongoJournal
                + ", bus="
                + bus
                + ", kafkaBootstrap="
                + kafkaBootstrap
                + ", nodeId="
                + nodeId
                + "]";
    }

    /** The URI with the password of its user information replaced by {@code ***}. */
    static String masked(URI uri) {
        return ValueType.maskPassword(uri);
    }
}
