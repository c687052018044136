package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceLeases.Holder;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;

/**
 * Device leases on MongoDB: one document per device, {@code {_id: device, node, conn, until}}. A
 * lapsed lease is left in place (the next claim overwrites it) and never counts as a holder.
 */
final class MongoLeases {
    private final MongoSchema db;

    MongoLeases(MongoSchema db) {
        this.db = db;
    }

    Optional<Holder> claim(DeviceAddress device, Holder holder, long untilMillis, long now) {
        Document before =
                db.leases.findOneAndUpdate(
                        eq("_id", MongoSchema.id(device)),
                        hold(holder.nodeId(), holder.connectionId(), untilMillis),
                        new FindOneAndUpdateOptions()
                                .upsert(true)
                                .returnDocument(ReturnDocument.BEFORE));
        Optional<Holder> previous = live(before, now);
        return previous.filter(h -> !h.connectionId().equals(holder.connectionId()));
    }

    /**
     * Extends every lease in one unordered bulk write. Each update matches the device's lease only
     * while this connection holds it, and upserts: a lease another connection took makes the upsert
     * collide with its {@code _id} (a duplicate key error naming that update), while a lease that
     * is gone is simply taken again.
     */
    Set<DeviceAddress> renew(String nodeId, Map<DeviceAddress, String> connections, long until) {
        if (connections.isEmpty()) {
            return Set.of();
        }
        List<DeviceAddress> devices = new ArrayList<>(connections.keySet());
        List<UpdateOneModel<Document>> updates = new ArrayList<>(devices.size());
        for (DeviceAddress device : devices) {
            String conn = connections.get(device);
            updates.add(
                    new UpdateOneModel<>(
                            and(eq("_id", MongoSchema.id(device)), eq("conn", conn)),
                            hold(nodeId, conn, until),
                            new UpdateOptions().upsert(true)));
        }
        try {
            db.leases.bulkWrite(updates, new BulkWriteOptions().ordered(false));
            return Set.of();
        } catch (MongoBulkWriteException e) {
            Set<DeviceAddress> taken = new HashSet<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != 11000) {
                    throw e;
                }
                taken.add(devices.get(error.getIndex()));
            }
            return taken;
        }
    }

    void release(DeviceAddress device, Holder holder) {
        db.leases.deleteOne(
                and(eq("_id", MongoSchema.id(device)), eq("conn", holder.connectionId())));
    }

    Optional<Holder> holder(DeviceAddress device, long now) {
        return live(db.leases.find(eq("_id", MongoSchema.id(device))).first(), now);
    }

    private static org.bson.conversions.Bson hold(String node, String conn, long until) {
        return Updates.combine(
                Updates.set("node", node),
                Updates.set("conn", conn),
                Updates.set("until", new Date(until)));
    }

    private static Optional<Holder> live(Document lease, long now) {
        if (lease == null || lease.getDate("until").getTime() <= now) {
            return Optional.empty();
        }
        return Optional.of(new Holder(lease.getString("node"), lease.getString("conn")));
    }
}
