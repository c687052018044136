package dev.cipherline.relay.internal.store.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import dev.cipherline.relay.internal.store.DeviceAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The relay's collections and their indexes. Every collection name starts with {@code relay_}, so
 * the relay can share a database. Ciphertext lives in {@code relay_entries.data} when it has one
 * recipient device, or once in {@code relay_bodies} when several devices share it ({@code
 * relay_entries.body} names it); everything else is metadata.
 *
 * <ul>
 *   <li>{@code relay_devices}: one document per device, {@code _id} {@code "account.device"}, with
 *       its public keys and {@code nextSeq}, the lowest seq it may still be given;
 *   <li>{@code relay_prekeys}: one document per one-time prekey ({@code kind} {@code ec} or {@code
 *       kyber}), taken with {@code findOneAndDelete};
 *   <li>{@code relay_entries}: one document per queued envelope, unique by {@code (device, seq)};
 *   <li>{@code relay_bodies}: the shared ciphertext of a send to several devices, with {@code refs}
 *       counting the entries that still point to it;
 *   <li>{@code relay_sends}: the clientMsgIds of accepted sends (idempotency);
 *   <li>{@code relay_leases}: which node holds each device's connection;
 *   <li>{@code relay_device_lists}: each account's latest signed device list, {@code _id} the
 *       account ID, with its {@code version} (changed only by a compare-and-set on it);
 *   <li>{@code relay_blobs}: one document per encrypted file (size, committed offset, owner,
 *       expiry, the recipient devices that have not released it), and {@code relay_blob_chunks}:
 *       its bytes in pieces of at most 255 KiB, {@code _id} {@code "blob:offset"};
 *   <li>{@code relay_expiry_notices}: expiry notices per device until acknowledged ({@code
 *       MongoNotices}), unique by {@code (device, id)};
 *   <li>{@code relay_counters}: the counter notice IDs are taken from.
 * </ul>
 */
final class MongoSchema {
    static final String PREFIX = "relay_";

    /** MongoDB's error when an index exists under the same name with other options. */
    private static final int INDEX_OPTIONS_CONFLICT = 85;

    /** How long after its expiry MongoDB's TTL monitor deletes an entry the sweep left. */
    private static final Duration ENTRY_TTL_GRACE = Duration.ofDays(1);

    private final MongoDatabase database;

    final MongoCollection<Document> devices;
    final MongoCollection<Document> prekeys;
    final MongoCollection<Document> entries;
    final MongoCollection<Document> bodies;
    final MongoCollection<Document> sends;
    final MongoCollection<Document> leases;
    final MongoCollection<Document> invites;
    final MongoCollection<Document> probe;
    final MongoCollection<Document> provisioning;
    final MongoCollection<Document> deviceLists;
    final MongoCollection<Document> blobs;
    final MongoCollection<Document> blobChunks;
    final MongoCollection<Document> notices;
    final MongoCollection<Document> counters;

    MongoSchema(MongoDatabase db) {
        this.database = db;
        this.devices = db.getCollection(PREFIX + "devices");
        this.prekeys = db.getCollection(PREFIX + "prekeys");
        this.entries = db.getCollection(PREFIX + "entries");
        this.bodies = db.getCollection(PREFIX + "bodies");
        this.sends = db.getCollection(PREFIX + "sends");
        this.leases = db.getCollection(PREFIX + "leases");
        this.invites = db.getCollection(PREFIX + "invites");
        this.probe = db.getCollection(PREFIX + "probe");
        this.provisioning = db.getCollection(PREFIX + "provisioning");
        this.deviceLists = db.getCollection(PREFIX + "device_lists");
        this.blobs = db.getCollection(PREFIX + "blobs");
        this.blobChunks = db.getCollection(PREFIX + "blob_chunks");
        this.notices = db.getCollection(PREFIX + "expiry_notices");
        this.counters = db.getCollection(PREFIX + "counters");
    }

    /**
     * Creates the indexes (idempotent: an existing index with the same definition is kept). The TTL
     * indexes let MongoDB's TTL monitor delete expired data by itself, about once a minute; the
     * relay's sweep deletes it exactly when it expires.
     */
    void createIndexes(Duration sendIdRetention) {
        entries.createIndex(
                Indexes.ascending("device", "seq"),
                new IndexOptions().name("device_seq").unique(true));
        // the relay's sweep deletes expired entries and records their expiry notices; MongoDB's
        // TTL monitor, which would delete them unreported, only steps in a day later (a relay
        // that stopped sweeping)
        ttl(entries, "expiresAt", "expiry", ENTRY_TTL_GRACE.toSeconds());
        notices.createIndex(
                Indexes.ascending("device", "id"),
                new IndexOptions().name("device_id").unique(true));
        bodies.createIndex(
                Indexes.ascending("expiresAt"),
                new IndexOptions().name("expiry").expireAfter(0L, TimeUnit.SECONDS));
        ttl(sends, "acceptedAt", "retention", sendIdRetention.toSeconds());
        devices.createIndex(
                Indexes.ascending("account", "device"), new IndexOptions().name("account"));
        prekeys.createIndex(
                Indexes.ascending("device", "kind", "order"),
                new IndexOptions().name("device_kind"));
        invites.createIndex(
                Indexes.ascending("hash"), new IndexOptions().name("hash").unique(true));
        provisioning.createIndex(
                Indexes.ascending("expiresAt"),
                new IndexOptions().name("expiry").expireAfter(0L, TimeUnit.SECONDS));
        blobs.createIndex(Indexes.ascending("owner"), new IndexOptions().name("owner"));
        blobs.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().name("expiry"));
        blobChunks.createIndex(
                Indexes.ascending("blob", "offset"), new IndexOptions().name("blob_offset"));
    }

    /**
     * Creates a TTL index, or changes its expiry when it exists with another one (the relay's
     * longest expiry changed, or an older relay made it): MongoDB refuses to create it again with
     * other options.
     */
    private void ttl(
            MongoCollection<Document> collection, String field, String name, long seconds) {
        try {
            collection.createIndex(
                    Indexes.ascending(field),
                    new IndexOptions().name(name).expireAfter(seconds, TimeUnit.SECONDS));
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != INDEX_OPTIONS_CONFLICT) {
                throw e;
            }
            try {
                database.runCommand(
                        new Document("collMod", collection.getNamespace().getCollectionName())
                                .append(
                                        "index",
                                        new Document("name", name)
                                                .append("expireAfterSeconds", seconds)));
            } catch (MongoCommandException unsupported) {
                // mongo-java-server cannot change an index's options: build it again instead
                collection.dropIndex(name);
                collection.createIndex(
                        Indexes.ascending(field),
                        new IndexOptions().name(name).expireAfter(seconds, TimeUnit.SECONDS));
            }
        }
    }

    /** The {@code _id} of a device's document, and the {@code device} field elsewhere. */
    static String id(DeviceAddress device) {
        return device.accountId() + "." + device.deviceId();
    }

    /** Whether a write failed only because a unique index already holds its key. */
    static boolean isDuplicateKey(MongoWriteException e) {
        return e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }
}
