package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceInfo;
import dev.cipherline.relay.internal.store.Invite;
import dev.cipherline.relay.internal.store.InviteOutcome;
import dev.cipherline.relay.internal.store.QueueTotals;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * Invites, queue totals, the readiness probe and the admin command's device list in MongoDB.
 * Without multi-document transactions, taking an invite's use is one atomic conditional decrement
 * ({@link #take}); the caller gives it back ({@link #giveBack}) if the registration that follows
 * fails.
 */
final class MongoInvites {
    private final MongoSchema db;

    MongoInvites(MongoSchema db) {
        this.db = db;
    }

    void create(Invite invite) {
        db.invites.insertOne(
                new Document("_id", invite.id())
                        .append("hash", new Binary(invite.tokenHash()))
                        .append("uses", invite.uses())
                        .append("usesLeft", invite.usesLeft())
                        .append("createdAt", invite.createdAt())
                        .append("expiresAt", invite.expiresAt()));
    }

    List<Invite> list() {
        List<Invite> invites = new ArrayList<>();
        for (Document d : db.invites.find().sort(Sorts.ascending("createdAt", "_id"))) {
            invites.add(
                    new Invite(
                            d.getString("_id"),
                            d.get("hash", Binary.class).getData(),
                            d.getInteger("uses"),
                            d.getInteger("usesLeft"),
                            d.getLong("createdAt"),
                            d.getLong("expiresAt")));
        }
        return invites;
    }

    boolean revoke(String id) {
        return db.invites.deleteOne(eq("_id", id)).getDeletedCount() > 0;
    }

    /**
     * Takes one use of the invite with this token hash in one atomic update.
     *
     * @return the invite's ID, or null with {@code why} telling the reason
     */
    String take(byte[] tokenHash, long now, InviteOutcome[] why) {
        Binary hash = new Binary(tokenHash);
        Document taken =
                db.invites.findOneAndUpdate(
                        and(eq("hash", hash), gt("usesLeft", 0), gt("expiresAt", now)),
                        Updates.inc("usesLeft", -1));
        if (taken != null) {
            return taken.getString("_id");
        }
        Document d = db.invites.find(eq("hash", hash)).first();
        if (d == null) {
            why[0] = InviteOutcome.INVALID;
        } else if (d.getLong("expiresAt") <= now) {
            why[0] = InviteOutcome.EXPIRED;
        } else {
            why[0] = InviteOutcome.USED;
        }
        return null;
    }

    /** Gives back the use {@link #take} took, after the registration failed. */
    void giveBack(String id) {
        db.invites.updateOne(eq("_id", id), Updates.inc("usesLeft", 1));
    }

    List<DeviceInfo> devices(String accountId) {
        List<DeviceInfo> devices = new ArrayList<>();
        for (Document d :
                db.devices.find(eq("account", accountId)).sort(Sorts.ascending("device"))) {
            String id = d.getString("_id");
            Date seen = d.getDate("lastSeen");
            devices.add(
                    new DeviceInfo(
                            d.getInteger("device"),
                            d.getDate("registeredAt").getTime(),
                            seen == null ? 0 : seen.getTime(),
                            db.entries.countDocuments(eq("device", id))));
        }
        return devices;
    }

    void seen(DeviceAddress device, long at) {
        db.devices.updateOne(
                eq("_id", MongoSchema.id(device)), Updates.set("lastSeen", new Date(at)));
    }

    QueueTotals totals() {
        long entries = db.entries.countDocuments();
        Document sum =
                db.entries
                        .aggregate(
                                List.of(Aggregates.group(null, Accumulators.sum("bytes", "$size"))))
                        .first();
        long bytes = sum == null ? 0 : sum.get("bytes", Number.class).longValue();
        return new QueueTotals(entries, bytes);
    }

    void probe(long now) {
        db.probe.replaceOne(
                eq("_id", "probe"),
                new Document("_id", "probe").append("at", now),
                new ReplaceOptions().upsert(true));
    }
}
