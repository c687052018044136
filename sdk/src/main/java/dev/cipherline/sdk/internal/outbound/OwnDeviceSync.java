package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.content.SyncContent;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Clock;

/**
 * Queues what this device tells only its own account's other devices: that it exists (a device
 * hello), and that the user read a conversation here (a read sync). Copies of sent messages are
 * made on the way out ({@link EntrySender}). An account with one device queues nothing here.
 */
public final class OwnDeviceSync {
    private final Database db;
    private final OutboxStore outbox;
    private final Encryptor encryptor;
    private final LocalDevice self;
    private final Sealer sealer;
    private final Clock clock;

    private final DeviceNameStore names;

    public OwnDeviceSync(
            Database db,
            OutboxStore outbox,
            Encryptor encryptor,
            LocalDevice self,
            DeviceNameStore names,
            Clock clock) {
        this.names = names;
        this.db = db;
        this.outbox = outbox;
        this.encryptor = encryptor;
        this.self = self;
        this.sealer = new Sealer(self.account(), self.device());
        this.clock = clock;
    }

    /**
     * Queues a device hello to the account's other devices if this device is not the account's
     * first (device 1) and knows none of them yet: sending it fetches their bundles, and opening it
     * starts their sessions with this device, so that from then on each copies what it sends here.
     * It carries this device's name and asks the others to answer with theirs.
     *
     * @return whether a hello was queued
     */
    public boolean announce() {
        if (self.device() == 1 || hasOtherDevices()) {
            return false;
        }
        db.transaction(
                c -> {
                    queueHello(c, true);
                    return null;
                });
        return true;
    }

    /**
     * Tells the account's other devices, if there are any, this device's (new) name with a hello
     * that asks for no answer, in the caller's transaction.
     *
     * @return whether one was queued
     */
    public boolean renamed(Tx tx) {
        if (!hasOtherDevices()) {
            return false;
        }
        queueHello(tx, false);
        return true;
    }

    /** Answers another device's hello with this device's, in the caller's transaction. */
    public void answerHello(Tx tx) {
        queueHello(tx, false);
    }

    private void queueHello(Tx tx, boolean answer) {
        sealer.queueControl(
                tx,
                outbox,
                self.account(),
                SyncContent.encodeDeviceHello(names.find(self.device()), answer),
                clock.millis());
    }

    /** Whether this device knows another device of its account (has a session with it). */
    public boolean hasOtherDevices() {
        return encryptor.hasSession(self.account());
    }

    /**
     * Queues {@code content} (a sync content) to the account's other devices in its own
     * transaction, if there are any.
     *
     * @return whether it was queued (the caller wakes the outbox)
     */
    public boolean queue(Content content) {
        if (!hasOtherDevices()) {
            return false;
        }
        byte[] body = encode(content);
        db.transaction(
                c -> {
                    sealer.queueControl(c, outbox, self.account(), body, clock.millis());
                    return null;
                });
        return true;
    }

    private static byte[] encode(Content content) {
        if (content instanceof Content.ContactSync c) {
            return SyncContent.encodeContactSync(c);
        }
        if (content instanceof Content.VerifiedSync v) {
            return SyncContent.encodeVerifiedSync(v);
        }
        if (content instanceof Content.DeleteSync d) {
            return SyncContent.encodeDeleteSync(d);
        }
        throw new IllegalArgumentException("not a sync content this device queues: " + content);
    }

    /**
     * Queues a read sync in the caller's transaction, if the account has other devices: the user
     * read the conversation with {@code peer} (or the group {@code groupId}, if not null) up to the
     * incoming message {@code newestRead}.
     *
     * @return whether one was queued
     */
    public boolean readSync(Tx tx, String peer, String groupId, String newestRead) {
        return readSync(tx, peer, groupId, newestRead, clock.millis());
    }

    /**
     * {@link #readSync(Tx, String, String, String)} read at {@code readAt}, the read sync's time:
     * the other devices start the read messages' disappearing timers from it, as this one does.
     */
    public boolean readSync(Tx tx, String peer, String groupId, String newestRead, long readAt) {
        if (!hasOtherDevices()) {
            return false;
        }
        sealer.queueControl(
                tx,
                outbox,
                self.account(),
                SyncContent.encodeReadSync(new Content.ReadSync(peer, groupId, newestRead)),
                readAt);
        return true;
    }
}
