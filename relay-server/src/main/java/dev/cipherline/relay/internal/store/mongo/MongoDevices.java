package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.model.FindOneAndDeleteOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.PreKeyCounts;
import dev.cipherline.relay.internal.store.UnknownDeviceException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.bson.types.ObjectId;

/**
 * Devices and prekeys on MongoDB. A device's document holds its long-lived keys (identity, auth,
 * signed prekey, last-resort Kyber prekey); each one-time prekey is a document of its own, so that
 * {@code findOneAndDelete} hands it to exactly one caller, on any node.
 */
final class MongoDevices {
    private static final String EC = "ec";
    private static final String KYBER = "kyber";

    private final MongoSchema db;

    MongoDevices(MongoSchema db) {
        this.db = db;
    }

    /**
     * Inserts or replaces a device with its keys: the old one-time prekeys go first, so that no
     * bundle of the new install can carry a key of the old one.
     *
     * @return whether the device existed before (its queue must then be emptied)
     */
    boolean register(Registration r, long now) {
        String id = MongoSchema.id(new DeviceAddress(r.accountId(), r.deviceId()));
        db.prekeys.deleteMany(eq("device", id));
        UpdateResult result =
                db.devices.updateOne(
                        eq("_id", id),
                        Updates.combine(
                                Updates.set("registrationId", r.registrationId()),
                                Updates.set("identityKey", new Binary(r.identityKey())),
                                Updates.set("authKey", new Binary(r.authKey())),
                                Updates.set("signedPreKey", key(r.signedPreKey())),
                                Updates.set("lastResortKyber", key(r.lastResortKyberPreKey())),
                                Updates.set("registeredAt", new Date(now)),
                                Updates.setOnInsert("account", r.accountId()),
                                Updates.setOnInsert("device", r.deviceId()),
                                Updates.setOnInsert("nextSeq", 1L)),
                        new UpdateOptions().upsert(true));
        addOneTimeKeys(id, r.ecPreKeys(), r.kyberPreKeys());
        return result.getMatchedCount() == 1;
    }

    /** Deletes a device's document and its one-time prekeys. */
    void delete(String id) {
        db.devices.deleteOne(eq("_id", id));
        db.prekeys.deleteMany(eq("device", id));
    }

    Optional<byte[]> authKey(DeviceAddress device) {
        Document d =
                db.devices
                        .find(eq("_id", MongoSchema.id(device)))
                        .projection(Projections.include("authKey"))
                        .first();
        return d == null ? Optional.empty() : Optional.of(d.get("authKey", Binary.class).getData());
    }

    Optional<byte[]> identityKey(DeviceAddress device) {
        Document d =
                db.devices
                        .find(eq("_id", MongoSchema.id(device)))
                        .projection(Projections.include("identityKey"))
                        .first();
        return d == null
                ? Optional.empty()
                : Optional.of(d.get("identityKey", Binary.class).getData());
    }

    List<Frame.PreKeyBundle> takeBundles(String accountId) {
        List<Frame.PreKeyBundle> bundles = new ArrayList<>();
        for (Document d :
                db.devices.find(eq("account", accountId)).sort(Sorts.ascending("device"))) {
            String id = d.getString("_id");
            Document kyber = take(id, KYBER);
            Document ec = take(id, EC);
            bundles.add(
                    new Frame.PreKeyBundle(
                            d.getInteger("device"),
                            d.getInteger("registrationId"),
                            d.get("identityKey", Binary.class).getData(),
                            signed(d.get("signedPreKey", Document.class)),
                            signed(
                                    kyber != null
                                            ? kyber
                                            : d.get("lastResortKyber", Document.class)),
                            ec == null
                                    ? null
                                    : new Frame.PreKey(
                                            ec.getInteger("keyId"),
                                            ec.get("publicKey", Binary.class).getData())));
        }
        return bundles;
    }

    /** Removes and returns the device's oldest one-time prekey of {@code kind}, if it has one. */
    private Document take(String device, String kind) {
        return db.prekeys.findOneAndDelete(
                and(eq("device", device), eq("kind", kind)),
                new FindOneAndDeleteOptions().sort(Sorts.ascending("order")));
    }

    void upload(DeviceAddress device, Frame.UploadPreKeys upload) {
        String id = MongoSchema.id(device);
        List<Bson> replaced = new ArrayList<>();
        if (upload.signedPreKey() != null) {
            replaced.add(Updates.set("signedPreKey", key(upload.signedPreKey())));
        }
        if (upload.lastResortKyberPreKey() != null) {
            replaced.add(Updates.set("lastResortKyber", key(upload.lastResortKyberPreKey())));
        }
        boolean exists =
                replaced.isEmpty()
                        ? db.devices.countDocuments(eq("_id", id)) == 1
                        : db.devices
                                        .updateOne(eq("_id", id), Updates.combine(replaced))
                                        .getMatchedCount()
                                == 1;
        if (!exists) {
            throw new UnknownDeviceException(device);
        }
        addOneTimeKeys(id, upload.ecPreKeys(), upload.kyberPreKeys());
    }

    PreKeyCounts counts(DeviceAddress device) {
        String id = MongoSchema.id(device);
        return new PreKeyCounts(
                (int) db.prekeys.countDocuments(and(eq("device", id), eq("kind", EC))),
                (int) db.prekeys.countDocuments(and(eq("device", id), eq("kind", KYBER))));
    }

    /** Adds one-time prekeys; one with the ID of a key the device still has replaces it. */
    private void addOneTimeKeys(
            String device, List<Frame.PreKey> ec, List<Frame.SignedPreKey> kyber) {
        List<ReplaceOneModel<Document>> writes = new ArrayList<>();
        for (Frame.PreKey k : ec) {
            writes.add(
                    oneTime(
                            device,
                            EC,
                            new Document("keyId", k.id())
                                    .append("publicKey", new Binary(k.publicKey()))));
        }
        for (Frame.SignedPreKey k : kyber) {
            writes.add(oneTime(device, KYBER, key(k)));
        }
        if (!writes.isEmpty()) {
            db.prekeys.bulkWrite(writes);
        }
    }

    private static ReplaceOneModel<Document> oneTime(String device, String kind, Document key) {
        String id = device + "/" + kind + "/" + key.getInteger("keyId");
        Document doc =
                new Document("_id", id)
                        .append("device", device)
                        .append("kind", kind)
                        // ObjectIds grow with time: taking the lowest hands out the oldest key
                        .append("order", new ObjectId());
        doc.putAll(key);
        return new ReplaceOneModel<>(eq("_id", id), doc, new ReplaceOptions().upsert(true));
    }

    private static Document key(Frame.SignedPreKey k) {
        return new Document("keyId", k.id())
                .append("publicKey", new Binary(k.publicKey()))
                .append("signature", new Binary(k.signature()));
    }

    private static Frame.SignedPreKey signed(Document k) {
        return new Frame.SignedPreKey(
                k.getInteger("keyId"),
                k.get("publicKey", Binary.class).getData(),
                k.get("signature", Binary.class).getData());
    }
}
