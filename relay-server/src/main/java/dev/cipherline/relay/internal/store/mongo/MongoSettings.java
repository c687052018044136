package dev.cipherline.relay.internal.store.mongo;

import com.mongodb.WriteConcern;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the MongoDB store lives and how much acknowledgement a write waits for.
 *
 * <p>The defaults ({@link #of}) are the durable ones: {@code w: "majority"} with {@code j: true},
 * so a write is answered only once a majority of the replica set has it in its journal and it
 * survives the loss of the primary; 5 s to find a server or connect, and 10 s for one operation.
 *
 * @param uri a MongoDB connection string, e.g. {@code mongodb://db1,db2,db3/?replicaSet=rs0}
 * @param database the database holding the relay's collections
 * @param writeAcknowledgement {@code "majority"}, or how many members must acknowledge (as digits)
 * @param journal whether a write waits for the journal of the members that acknowledge it
 * @param connectTimeout how long opening one connection may take
 * @param serverSelectionTimeout how long an operation waits for a reachable primary before it fails
 * @param operationTimeout the longest one operation (including its retries) may take
 */
public record MongoSettings(
        String uri,
        String database,
        String writeAcknowledgement,
        boolean journal,
        Duration connectTimeout,
        Duration serverSelectionTimeout,
        Duration operationTimeout) {

    /** Checks every value. */
    public MongoSettings {
        Objects.requireNonNull(uri, "uri");
        if (database == null || database.isEmpty()) {
            throw new IllegalArgumentException("a database name is needed");
        }
        if (!"majority".equals(writeAcknowledgement)
                && !(writeAcknowledgement != null && writeAcknowledgement.matches("[1-9][0-9]?"))) {
            throw new IllegalArgumentException(
                    "the write acknowledgement must be \"majority\" or a number of members");
        }
        for (Duration d :
                new Duration[] {connectTimeout, serverSelectionTimeout, operationTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
    }

    /** The durable defaults for the database at {@code uri}. */
    public static MongoSettings of(String uri, String database) {
        return new MongoSettings(
                uri,
                database,
                "majority",
                true,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10));
    }

    /** These settings with another write acknowledgement and journal choice. */
    public MongoSettings withWriteConcern(String acknowledgement, boolean journaled) {
        return new MongoSettings(
                uri,
                database,
                acknowledgement,
                journaled,
                connectTimeout,
                serverSelectionTimeout,
                operationTimeout);
    }

    /** These settings with every timeout set to {@code timeout}. */
    public MongoSettings withTimeouts(Duration timeout) {
        return new MongoSettings(
                uri, database, writeAcknowledgement, journal, timeout, timeout, timeout);
    }

    /** The driver's write concern for these settings. */
    WriteConcern writeConcern() {
        WriteConcern concern =
                "majority".equals(writeAcknowledgement)
                        ? WriteConcern.MAJORITY
                        : new WriteConcern(Integer.parseInt(writeAcknowledgement));
        return concern.withJournal(journal);
    }
}
