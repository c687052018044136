package dev.cipherline.relay.internal.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;

import com.mongodb.client.model.Updates;
import dev.cipherline.relay.internal.store.ProvisioningStore.MailboxState;
import dev.cipherline.relay.internal.store.ProvisioningStore.Taken;
import java.util.Date;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * Provisioning mailboxes in MongoDB (collection {@code provisioning}, a TTL index on {@code
 * expiresAt}). A put and a take are each one conditional single-document update, so two nodes that
 * race see one winner without transactions.
 */
final class MongoProvisioning {
    private static final int EMPTY = 0;
    private static final int FULL = 1;
    private static final int READ = 2;

    private final MongoSchema db;

    MongoProvisioning(MongoSchema db) {
        this.db = db;
    }

    void open(String id, long now, long expiresAt) {
        sweep(now);
        db.provisioning.insertOne(
                new Document("_id", id)
                        .append("state", EMPTY)
                        .append("expiresAt", new Date(expiresAt)));
    }

    /** Deletes the mailboxes expired by {@code now} (the TTL monitor may not have yet). */
    void sweep(long now) {
        db.provisioning.deleteMany(lte("expiresAt", new Date(now)));
    }

    MailboxState put(String id, byte[] payload, long now) {
        Document before =
                db.provisioning.findOneAndUpdate(
                        and(eq("_id", id), eq("state", EMPTY), gt("expiresAt", new Date(now))),
                        Updates.combine(
                                Updates.set("state", FULL),
                                Updates.set("data", new Binary(payload))));
        if (before != null) {
            return MailboxState.DONE;
        }
        return state(id, now) < 0 ? MailboxState.EXPIRED : MailboxState.USED;
    }

    Taken take(String id, long now) {
        Document before =
                db.provisioning.findOneAndUpdate(
                        and(eq("_id", id), eq("state", FULL), gt("expiresAt", new Date(now))),
                        Updates.combine(Updates.set("state", READ), Updates.unset("data")));
        if (before != null) {
            return new Taken(MailboxState.DONE, before.get("data", Binary.class).getData());
        }
        int state = state(id, now);
        if (state < 0) {
            return new Taken(MailboxState.EXPIRED, null);
        }
        return new Taken(state == EMPTY ? MailboxState.PENDING : MailboxState.USED, null);
    }

    /** The mailbox's state, or -1 if it does not exist or expired (then it is deleted). */
    private int state(String id, long now) {
        Document d = db.provisioning.find(eq("_id", id)).first();
        if (d == null) {
            return -1;
        }
        if (!d.getDate("expiresAt").after(new Date(now))) {
            db.provisioning.deleteOne(eq("_id", id));
            return -1;
        }
        return d.getInteger("state");
    }
}
