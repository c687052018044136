package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.ExpiryNotice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Expiry notices on MongoDB ({@code relay_expiry_notices}), without transactions: a sweep deletes
 * each expired entry with its own {@code deleteOne}, so that of several nodes sweeping at once only
 * the one that deleted an entry reports it, and then writes the notices of the batch it deleted in
 * one bulk write. "Sent" notices are keyed by the entry ({@code _id} {@code "s:" + entry}), so a
 * repeated write stores one; a summary is keyed by recipient and sender device and grows by {@code
 * $inc}. Notice IDs come from a counter document ({@code relay_counters}, {@code _id} {@code
 * "notices"}).
 */
final class MongoNotices {
    private static final String SENT = "sent";
    private static final String SUMMARY = "summary";

    private final MongoSchema db;
    private final int maxSent;

    MongoNotices(MongoSchema db, int maxSent) {
        this.db = db;
        this.maxSent = maxSent;
    }

    private record Key(String recipient, String sender, int senderDevice) {}

    private static final class Tally {
        int count;
        long first = Long.MAX_VALUE;
        long last;
    }

    /**
     * Records the notices of entries this node just deleted because they expired.
     *
     * @param deleted the entries, with {@code device}, {@code sender}, {@code senderDevice}, {@code
     *     clientMsgId} and {@code expiresAt}
     * @return the devices that got notices
     */
    Set<DeviceAddress> record(List<Document> deleted) {
        if (deleted.isEmpty()) {
            return Set.of();
        }
        Set<DeviceAddress> noticed = new LinkedHashSet<>();
        Map<Key, Tally> summaries = new LinkedHashMap<>();
        Set<String> senders = new HashSet<>();
        for (Document e : deleted) {
            senders.add(e.getString("sender") + "." + e.getInteger("senderDevice"));
        }
        Set<String> existing = new HashSet<>();
        for (Document d :
                db.devices.find(in("_id", senders)).projection(Projections.include("_id"))) {
            existing.add(d.getString("_id"));
        }
        Map<String, Integer> room = new HashMap<>();
        List<Document> sent = new ArrayList<>();
        for (Document e : deleted) {
            String recipient = e.getString("device");
            String sender = e.getString("sender");
            int senderDevice = e.getInteger("senderDevice");
            long expiresAt = e.getDate("expiresAt").getTime();
            Tally t =
                    summaries.computeIfAbsent(
                            new Key(recipient, sender, senderDevice), k -> new Tally());
            t.count++;
            t.first = Math.min(t.first, expiresAt);
            t.last = Math.max(t.last, expiresAt);
            noticed.add(address(recipient));
            String senderId = sender + "." + senderDevice;
            if (!existing.contains(senderId)) {
                continue; // the sending device was removed: nobody to tell
            }
            int left =
                    room.computeIfAbsent(
                            senderId,
                            id ->
                                    maxSent
                                            - (int)
                                                    db.notices.countDocuments(
                                                            and(
                                                                    eq("device", id),
                                                                    eq("kind", SENT))));
            if (left <= 0) {
                continue; // past the cap: this expiry is not reported to the sender
            }
            room.put(senderId, left - 1);
            int[] parts = split(recipient);
            sent.add(
                    new Document("_id", "s:" + e.get("_id"))
                            .append("device", senderId)
                            .append("kind", SENT)
                            .append("peer", recipient.substring(0, parts[0]))
                            .append("peerDevice", parts[1])
                            .append("clientMsgId", e.getString("clientMsgId"))
                            .append("count", 1)
                            .append("firstAt", expiresAt)
                            .append("lastAt", expiresAt));
            noticed.add(new DeviceAddress(sender, senderDevice));
        }
        long next = reserveIds(sent.size() + summaries.size());
        List<WriteModel<Document>> writes = new ArrayList<>();
        for (Document s : sent) {
            writes.add(new InsertOneModel<>(s.append("id", next++)));
        }
        for (Map.Entry<Key, Tally> e : summaries.entrySet()) {
            Key k = e.getKey();
            Tally t = e.getValue();
            writes.add(
                    new UpdateOneModel<>(
                            eq(
                                    "_id",
                                    "r:"
                                            + k.recipient()
                                            + ":"
                                            + k.sender()
                                            + "."
                                            + k.senderDevice()),
                            Updates.combine(
                                    Updates.inc("count", t.count),
                                    Updates.min("firstAt", t.first),
                                    Updates.max("lastAt", t.last),
                                    Updates.setOnInsert("id", next++),
                                    Updates.setOnInsert("device", k.recipient()),
                                    Updates.setOnInsert("kind", SUMMARY),
                                    Updates.setOnInsert("peer", k.sender()),
                                    Updates.setOnInsert("peerDevice", k.senderDevice())),
                            new UpdateOptions().upsert(true)));
        }
        try {
            db.notices.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            // a "sent" notice written before (a repeated sweep after a failure) stays as it was
            if (e.getWriteErrors().stream().anyMatch(w -> w.getCode() != 11000)) {
                throw e;
            }
        }
        return noticed;
    }

    /** Takes {@code n} notice IDs; returns the first. */
    private long reserveIds(int n) {
        if (n == 0) {
            return 1;
        }
        Document after =
                db.counters.findOneAndUpdate(
                        eq("_id", "notices"),
                        Updates.inc("next", (long) n),
                        new FindOneAndUpdateOptions()
                                .upsert(true)
                                .returnDocument(ReturnDocument.AFTER));
        return after.get("next", Number.class).longValue() - n + 1;
    }

    List<ExpiryNotice> read(DeviceAddress device, long afterId, int limit) {
        List<ExpiryNotice> notices = new ArrayList<>();
        for (Document n :
                db.notices
                        .find(and(eq("device", MongoSchema.id(device)), gt("id", afterId)))
                        .sort(Sorts.ascending("id"))
                        .limit(limit)) {
            long id = n.get("id", Number.class).longValue();
            int count = n.get("count", Number.class).intValue();
            if (count <= 0) {
                continue; // acknowledged, about to be deleted
            }
            long first = n.get("firstAt", Number.class).longValue();
            long last = n.get("lastAt", Number.class).longValue();
            if (SENT.equals(n.getString("kind"))) {
                notices.add(
                        new ExpiryNotice.Sent(
                                id,
                                n.getString("clientMsgId"),
                                n.getString("peer"),
                                n.getInteger("peerDevice"),
                                last));
            } else {
                notices.add(
                        new ExpiryNotice.Summary(
                                id,
                                n.getString("peer"),
                                n.getInteger("peerDevice"),
                                count,
                                first,
                                last));
            }
        }
        return notices;
    }

    void ack(String device, List<Frame.NoticeAck> acks) {
        for (Frame.NoticeAck ack : acks) {
            Document after =
                    db.notices.findOneAndUpdate(
                            and(eq("device", device), eq("id", ack.id())),
                            Updates.inc("count", -ack.count()),
                            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (after != null && after.get("count", Number.class).intValue() <= 0) {
                // only if no sweep added to it meanwhile
                db.notices.deleteOne(and(eq("_id", after.get("_id")), lte("count", 0)));
            }
        }
    }

    /** Deletes every notice of a device (re-registered or removed). */
    void clear(String device) {
        db.notices.deleteMany(eq("device", device));
    }

    private static DeviceAddress address(String deviceId) {
        int[] parts = split(deviceId);
        return new DeviceAddress(deviceId.substring(0, parts[0]), parts[1]);
    }

    /** The position of the dot in {@code "account.device"} and the device number. */
    private static int[] split(String deviceId) {
        int dot = deviceId.lastIndexOf('.');
        return new int[] {dot, Integer.parseInt(deviceId.substring(dot + 1))};
    }
}
