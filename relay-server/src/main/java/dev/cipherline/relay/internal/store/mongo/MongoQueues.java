package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.SendAdmission;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.SweepResult;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;
import org.bson.types.ObjectId;

/**
 * Queues on MongoDB without transactions: each step of a send is a single-document (or unordered,
 * repeatable) write, in an order that never loses an accepted message and never hands out a seq
 * twice (see {@link dev.cipherline.relay.internal.store.QueueStore#store}). Called on the store's
 * writer thread for writes and its reader threads for reads; holds no state between calls, since
 * other nodes write the same collections.
 */
final class MongoQueues {
    /** What deleting an entry needs to know of it. */
    private static final Bson RETIRE = Projections.include("device", "seq", "body");

    /** What the sweep needs to know of an expired entry: also what its notices say. */
    private static final Bson EXPIRE =
            Projections.include(
                    "device", "seq", "body", "sender", "senderDevice", "clientMsgId", "expiresAt");

    /** How many expired entries a sweep holds in memory at once. */
    private static final int SWEEP_BATCH = 10_000;

    private final MongoSchema db;

    /** Up to this many devices, the highest seqs are read one index seek each. */
    private static final int FEW_DEVICES = 8;

    private final int quota;
    private final MongoNotices notices;

    MongoQueues(MongoSchema db, int quota, int maxSentNotices) {
        this.db = db;
        this.quota = quota;
        this.notices = new MongoNotices(db, maxSentNotices);
    }

    /** The expiry notices the sweep records. */
    MongoNotices notices() {
        return notices;
    }

    SendOutcome store(SendRequest send) {
        String sendId = MongoSchema.id(send.sender()) + "/" + send.clientMsgId();
        if (db.sends.find(eq("_id", sendId)).projection(Projections.include("_id")).first()
                != null) {
            return new SendOutcome.Duplicate();
        }
        SendAdmission.Decision<Document> decision =
                SendAdmission.admit(send, quota, directory(send));
        if (decision instanceof SendAdmission.Decision.Refuse<Document> refuse) {
            return refuse.outcome();
        }
        List<SendAdmission.Target<Document>> targets =
                ((SendAdmission.Decision.Admit<Document>) decision).targets();
        ObjectId body = insertSharedBody(send, targets);
        List<Document> entries = new ArrayList<>(targets.size());
        for (SendAdmission.Target<Document> t : targets) {
            entries.add(entry(send, t, body));
        }
        insertInSeqOrder(entries);
        raiseFloors(entries);
        try {
            db.sends.insertOne(
                    new Document("_id", sendId).append("acceptedAt", new Date(send.serverTime())));
        } catch (MongoWriteException e) {
            if (!MongoSchema.isDuplicateKey(e)) {
                throw e;
            }
            // a retry of this send was stored concurrently (on another node): the receiving SDK
            // drops the second copy by sender and clientMsgId
        }
        Map<DeviceAddress, List<QueueEntry>> stored = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            stored.computeIfAbsent(targets.get(i).address(), a -> new ArrayList<>())
                    .add(toEntry(entries.get(i), send.body()));
        }
        return new SendOutcome.Stored(stored);
    }

    /**
     * The registered devices of every recipient account, read in one query, and the queue sizes,
     * counted per device up to the quota.
     */
    private SendAdmission.Directory<Document, RuntimeException> directory(SendRequest send) {
        List<String> accounts =
                send.recipients().stream().map(r -> r.accountId()).distinct().toList();
        Map<String, Map<Integer, Document>> byAccount = new HashMap<>();
        for (Document d :
                db.devices
                        .find(in("account", accounts))
                        .projection(Projections.include("account", "device", "registrationId"))) {
            byAccount
                    .computeIfAbsent(d.getString("account"), a -> new HashMap<>())
                    .put(d.getInteger("device"), d);
        }
        return new SendAdmission.Directory<>() {
            @Override
            public Map<Integer, Document> devicesOf(String accountId) {
                return byAccount.getOrDefault(accountId, Map.of());
            }

            @Override
            public int registrationId(Document device) {
                return device.getInteger("registrationId");
            }

            @Override
            public int queued(Document device, int atLeast) {
                // the span from the lowest to the highest queued seq bounds the count: below the
                // quota it decides at the cost of two index seeks, without counting a backlog
                String id = device.getString("_id");
                Long lowest = edgeSeq(id, Sorts.ascending("seq"));
                if (lowest == null) {
                    return 0;
                }
                Long highest = edgeSeq(id, Sorts.descending("seq"));
                if (highest == null) {
                    return 0; // emptied by acks on another node between the two reads
                }
                long span = highest - lowest + 1;
                if (span < atLeast) {
                    return (int) span;
                }
                return (int)
                        db.entries.countDocuments(
                                eq("device", id), new CountOptions().limit(atLeast));
            }
        };
    }

    /** The lowest or highest seq queued for the device, or null if its queue is empty. */
    private Long edgeSeq(String device, Bson order) {
        Document edge =
                db.entries
                        .find(eq("device", device))
                        .sort(order)
                        .projection(Projections.include("seq"))
                        .limit(1)
                        .first();
        return edge == null ? null : edge.get("seq", Number.class).longValue();
    }

    /** Inserts the body that recipients without their own ciphertext share, if there are any. */
    private ObjectId insertSharedBody(SendRequest send, List<SendAdmission.Target<Document>> ts) {
        long sharing = ts.stream().filter(t -> t.recipient().ciphertext() == null).count();
        if (sharing == 0) {
            return null;
        }
        ObjectId id = new ObjectId();
        db.bodies.insertOne(
                new Document("_id", id)
                        .append("data", new Binary(send.body()))
                        .append("refs", (int) sharing)
                        .append("expiresAt", new Date(send.expiresAt())));
        return id;
    }

    private static Document entry(
            SendRequest send, SendAdmission.Target<Document> t, ObjectId body) {
        Document entry =
                new Document("_id", new ObjectId())
                        .append("device", t.device().getString("_id"))
                        .append("sender", send.sender().accountId())
                        .append("senderDevice", send.sender().deviceId())
                        .append("clientMsgId", send.clientMsgId())
                        .append("serverTime", send.serverTime())
                        .append("expiresAt", new Date(send.expiresAt()));
        byte[] own = t.recipient().ciphertext();
        return own != null
                // size: the queue totals sum it without reading the ciphertext
                ? entry.append("data", new Binary(own)).append("size", own.length)
                : entry.append("body", body).append("size", send.body().length);
    }

    /**
     * Gives every entry the next free seq of its device and inserts them. A seq is chosen only
     * after every lower one was inserted (it is above the highest existing entry and the device's
     * floor), so readers see a device's entries appear in seq order. When another node took the
     * same seq first (duplicate key), the entry and those after it choose again.
     *
     * <p>The one case this cannot rule out: a node that stalls between choosing a seq and inserting
     * for longer than another node takes to store that seq, deliver it and have it acknowledged and
     * deleted; the stalled insert then reuses the seq. Detecting it would need a record of every
     * deleted seq (or a transaction); the window is one round trip of this thread.
     */
    private void insertInSeqOrder(List<Document> entries) {
        List<Document> pending = entries;
        while (!pending.isEmpty()) {
            Map<String, Long> next = nextSeqs(pending);
            for (Document e : pending) {
                long seq = next.merge(e.getString("device"), 0L, Math::max);
                e.put("seq", seq);
                next.put(e.getString("device"), seq + 1);
            }
            pending = insertUntilDuplicate(pending);
        }
    }

    /** Inserts in order; returns the entries from the first duplicate seq on (empty if none). */
    private List<Document> insertUntilDuplicate(List<Document> entries) {
        try {
            db.entries.insertMany(entries);
            return List.of();
        } catch (MongoBulkWriteException e) {
            BulkWriteError first = e.getWriteErrors().get(0);
            if (first.getCode() != 11000) {
                throw e;
            }
            return entries.subList(first.getIndex(), entries.size());
        }
    }

    /** The lowest seq each device of these entries may take now. */
    private Map<String, Long> nextSeqs(List<Document> entries) {
        List<String> devices = entries.stream().map(e -> e.getString("device")).distinct().toList();
        Map<String, Long> next = new HashMap<>();
        if (devices.size() <= FEW_DEVICES) {
            // one index seek per device (the unique index on device and seq, read backwards),
            // however long its queue: a 1:1 send to a device with a large backlog stays cheap
            for (String device : devices) {
                Long top = edgeSeq(device, Sorts.descending("seq"));
                if (top != null) {
                    next.put(device, top + 1);
                }
            }
        } else {
            // sorted by the index's order and grouped taking the first: MongoDB answers this from
            // the index (a distinct scan), one key per device
            for (Document max :
                    db.entries.aggregate(
                            List.of(
                                    Aggregates.match(in("device", devices)),
                                    Aggregates.sort(
                                            Sorts.orderBy(
                                                    Sorts.ascending("device"),
                                                    Sorts.descending("seq"))),
                                    Aggregates.group(
                                            "$device", Accumulators.first("seq", "$seq"))))) {
                next.put(max.getString("_id"), max.get("seq", Number.class).longValue() + 1);
            }
        }
        // read after the entries: an ack raises the floor before it deletes, so a seq deleted
        // since the aggregate above shows up here
        for (Document d :
                db.devices.find(in("_id", devices)).projection(Projections.include("nextSeq"))) {
            next.merge(d.getString("_id"), d.getLong("nextSeq"), Math::max);
        }
        return next;
    }

    /** Raises each device's floor above the highest of these seqs, so none is ever reused. */
    private void raiseFloors(List<Document> entries) {
        Map<String, Long> highest = new HashMap<>();
        for (Document e : entries) {
            highest.merge(e.getString("device"), e.getLong("seq"), Math::max);
        }
        if (highest.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = new ArrayList<>();
        highest.forEach(
                (device, seq) ->
                        updates.add(
                                new UpdateOneModel<>(
                                        eq("_id", device), Updates.max("nextSeq", seq + 1))));
        db.devices.bulkWrite(updates);
    }

    private static QueueEntry toEntry(Document e, byte[] sharedBody) {
        Binary own = e.get("data", Binary.class);
        return new QueueEntry(
                e.getLong("seq"),
                e.getString("sender"),
                e.getInteger("senderDevice"),
                e.getString("clientMsgId"),
                Kind.MESSAGE,
                e.getLong("serverTime"),
                e.getDate("expiresAt").getTime(),
                own != null ? own.getData() : sharedBody);
    }

    List<QueueEntry> read(DeviceAddress device, long afterSeq, int limit, long maxBytes, long now) {
        List<Document> page = new ArrayList<>();
        long bytes = 0;
        for (Document e :
                db.entries
                        .find(
                                and(
                                        eq("device", MongoSchema.id(device)),
                                        gt("seq", afterSeq),
                                        gt("expiresAt", new Date(now))))
                        .sort(Sorts.ascending("seq"))
                        .limit(limit)) {
            page.add(e);
            Binary own = e.get("data", Binary.class);
            bytes += own != null ? own.length() : e.getInteger("size");
            if (bytes >= maxBytes) {
                break;
            }
        }
        List<Object> bodyIds =
                page.stream().map(e -> e.get("body")).filter(b -> b != null).distinct().toList();
        Map<Object, byte[]> bodies = new HashMap<>();
        if (!bodyIds.isEmpty()) {
            for (Document b : db.bodies.find(in("_id", bodyIds))) {
                bodies.put(b.get("_id"), b.get("data", Binary.class).getData());
            }
        }
        List<QueueEntry> entries = new ArrayList<>(page.size());
        for (Document e : page) {
            byte[] shared = bodies.get(e.get("body"));
            // a body is deleted only after its last entry: a missing one went with its entry
            if (e.containsKey("data") || shared != null) {
                entries.add(toEntry(e, shared));
            }
        }
        return entries;
    }

    long lastSeq(DeviceAddress device) {
        String id = MongoSchema.id(device);
        Document d =
                db.devices.find(eq("_id", id)).projection(Projections.include("nextSeq")).first();
        if (d == null) {
            return 0;
        }
        Document last =
                db.entries
                        .find(eq("device", id))
                        .sort(Sorts.descending("seq"))
                        .projection(Projections.include("seq"))
                        .first();
        return Math.max(d.getLong("nextSeq") - 1, last == null ? 0 : last.getLong("seq"));
    }

    /** Deletes the device's entries with these seqs; the device must exist. */
    int ack(String device, List<Long> seqs) {
        return retire(
                db.entries.find(and(eq("device", device), in("seq", seqs))).projection(RETIRE));
    }

    /**
     * Deletes every entry of the device and its expiry notices (a reinstall, a removal): these
     * entries did not expire, so no notice reports them.
     */
    void clear(String device) {
        retire(db.entries.find(eq("device", device)).projection(RETIRE));
        notices.clear(device);
    }

    SweepResult sweep(long now, long sendIdCutoff) {
        Date date = new Date(now);
        int[] bodiesDeleted = new int[1];
        int entries = 0;
        Set<DeviceAddress> noticed = new LinkedHashSet<>();
        int found;
        do {
            List<Document> expired = new ArrayList<>();
            for (Document e :
                    db.entries.find(lte("expiresAt", date)).projection(EXPIRE).limit(SWEEP_BATCH)) {
                expired.add(e);
            }
            found = expired.size();
            List<Document> deleted = new ArrayList<>();
            entries += retire(expired, bodiesDeleted, deleted);
            // right after the deletes: only the node that deleted an entry reports it
            noticed.addAll(notices.record(deleted));
        } while (found == SWEEP_BATCH);
        // bodies expire with their entries; MongoDB's TTL monitor may have deleted some entries
        // without decrementing their bodies, so expiry alone decides here
        long bodies = db.bodies.deleteMany(lte("expiresAt", date)).getDeletedCount();
        long sendIds =
                db.sends.deleteMany(lt("acceptedAt", new Date(sendIdCutoff))).getDeletedCount();
        return new SweepResult(entries, bodiesDeleted[0] + (int) bodies, (int) sendIds, noticed);
    }

    private int retire(Iterable<Document> found) {
        return retire(found, new int[1], null);
    }

    /**
     * Deletes entries, first raising their devices' floors above them (a concurrent send must not
     * take their seqs again), then releasing the bodies they shared.
     *
     * @param bodiesDeleted incremented by the number of bodies no entry refers to any more
     * @param deletedHere if not null, every entry is deleted on its own and those this call deleted
     *     (not another node) are added to it
     * @return how many entries this call deleted
     */
    private int retire(Iterable<Document> found, int[] bodiesDeleted, List<Document> deletedHere) {
        List<Document> entries = new ArrayList<>();
        for (Document e : found) {
            entries.add(e);
        }
        if (entries.isEmpty()) {
            return 0;
        }
        raiseFloors(entries);
        List<Object> inline = new ArrayList<>();
        Map<Object, Integer> released = new HashMap<>();
        int deleted = 0;
        for (Document e : entries) {
            if (e.get("body") == null && deletedHere == null) {
                inline.add(e.get("_id"));
            } else if (db.entries.deleteOne(eq("_id", e.get("_id"))).getDeletedCount() == 1) {
                // one by one, so two nodes deleting the same entry release its body once
                if (e.get("body") != null) {
                    released.merge(e.get("body"), 1, Integer::sum);
                }
                if (deletedHere != null) {
                    deletedHere.add(e);
                }
                deleted++;
            }
        }
        if (!inline.isEmpty()) {
            deleted += (int) db.entries.deleteMany(in("_id", inline)).getDeletedCount();
        }
        released.forEach(
                (body, count) -> {
                    Document after =
                            db.bodies.findOneAndUpdate(
                                    eq("_id", body),
                                    Updates.inc("refs", -count),
                                    new FindOneAndUpdateOptions()
                                            .returnDocument(ReturnDocument.AFTER));
                    if (after != null
                            && after.getInteger("refs") <= 0
                            && db.bodies.deleteOne(eq("_id", body)).getDeletedCount() == 1) {
                        bodiesDeleted[0]++;
                    }
                });
        return deleted;
    }
}
