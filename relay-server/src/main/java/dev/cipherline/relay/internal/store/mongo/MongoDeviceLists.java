package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import dev.cipherline.relay.internal.store.DeviceListRefusedException;
import dev.cipherline.relay.internal.store.DeviceListRules;
import dev.cipherline.relay.internal.store.SignedDeviceList;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * The accounts' signed device lists on MongoDB. Without multi-document transactions, a device
 * change stores its list first, with a compare-and-set on the stored version (or an insert that the
 * unique {@code _id} lets only one of two racing writers make), and changes the device after: of
 * two changes racing from two nodes, one list wins and the other change is refused before it
 * touched a device. A relay that dies between the two steps holds a list naming a change it did not
 * make; the client's retry sends the same list again, which is accepted as a repeat.
 */
final class MongoDeviceLists {
    private final MongoSchema db;

    MongoDeviceLists(MongoSchema db) {
        this.db = db;
    }

    Optional<byte[]> stored(String accountId) {
        Document d = db.deviceLists.find(eq("_id", accountId)).first();
        return d == null ? Optional.empty() : Optional.of(d.get("list", Binary.class).getData());
    }

    /** The account's registered devices by device ID. */
    Map<Integer, DeviceListRules.Registered> registered(String accountId) {
        Map<Integer, DeviceListRules.Registered> devices = new TreeMap<>();
        for (Document d :
                db.devices
                        .find(eq("account", accountId))
                        .projection(Projections.include("device", "registrationId", "authKey"))) {
            devices.put(
                    d.getInteger("device"),
                    new DeviceListRules.Registered(
                            d.getInteger("registrationId"),
                            d.get("authKey", Binary.class).getData()));
        }
        return devices;
    }

    /**
     * Checks {@code next} against the stored list and the devices {@code after} the change, and
     * stores it if it is new, unless another writer changed the stored list meanwhile.
     */
    void apply(
            String accountId,
            SignedDeviceList next,
            Map<Integer, DeviceListRules.Registered> after) {
        Document stored = db.deviceLists.find(eq("_id", accountId)).first();
        long version = stored == null ? 0 : stored.getLong("version");
        byte[] bytes = stored == null ? null : stored.get("list", Binary.class).getData();
        if (!DeviceListRules.check(accountId, next, version, bytes, after)) {
            return;
        }
        if (stored == null) {
            try {
                db.deviceLists.insertOne(
                        new Document("_id", accountId)
                                .append("version", next.version())
                                .append("list", new Binary(next.bytes())));
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    throw changedMeanwhile();
                }
                throw e;
            }
        } else if (db.deviceLists
                        .updateOne(
                                and(eq("_id", accountId), eq("version", version)),
                                Updates.combine(
                                        Updates.set("version", next.version()),
                                        Updates.set("list", new Binary(next.bytes()))))
                        .getMatchedCount()
                == 0) {
            throw changedMeanwhile();
        }
    }

    void delete(String accountId) {
        db.deviceLists.deleteOne(eq("_id", accountId));
    }

    private static DeviceListRefusedException changedMeanwhile() {
        return new DeviceListRefusedException(
                "another device changed the account's devices meanwhile; fetch the device list and"
                        + " try again");
    }
}
