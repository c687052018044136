package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DisappearingStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;

/**
 * Queues a text message the app sends to one account: seals it with its bound header and writes its
 * history row and its outbox entry in one transaction.
 *
 * <p>That commit is not synced on its own. Nothing leaves the device because of it: the outbox
 * thread encrypts the entry in a synced transaction before sending it, and that commit syncs this
 * one too. So a power failure can lose only a message that never reached the relay; it disappears
 * from the history and the outbox together. An app crash loses nothing.
 */
public final class SendQueue {
    private final Database db;
    private final MessageStore messages;
    private final OutboxStore outbox;
    private final Sealer sealer;
    private final int ownDevice;
    private final DisappearingStore timers;

    /** A queue writing to {@code db} for the device {@code ownDevice} of {@code ownAccount}. */
    public SendQueue(
            Database db,
            MessageStore messages,
            OutboxStore outbox,
            String ownAccount,
            int ownDevice) {
        this(db, messages, outbox, ownAccount, ownDevice, () -> 0);
    }

    /**
     * A queue as above whose messages carry the account's device list version from {@code
     * ownListVersion} (see {@link Sealer}).
     */
    public SendQueue(
            Database db,
            MessageStore messages,
            OutboxStore outbox,
            String ownAccount,
            int ownDevice,
            java.util.function.LongSupplier ownListVersion) {
        this(db, messages, outbox, ownAccount, ownDevice, ownListVersion, null);
    }

    /**
     * A queue as above whose messages disappear under their conversation's timer in {@code timers}
     * (none if null): each is stamped with it, and its relay expiry is at most that long.
     */
    public SendQueue(
            Database db,
            MessageStore messages,
            OutboxStore outbox,
            String ownAccount,
            int ownDevice,
            java.util.function.LongSupplier ownListVersion,
            DisappearingStore timers) {
        this.timers = timers;
        this.db = db;
        this.messages = messages;
        this.outbox = outbox;
        this.sealer = new Sealer(ownAccount, ownDevice, ownListVersion);
        this.ownDevice = ownDevice;
    }

    /**
     * Stores message {@code id} to {@code recipient}, sent at {@code now}, and queues it; a {@code
     * held} entry waits until the user accepts the recipient's identity change.
     *
     * @return the message's row in the history
     */
    public long add(String recipient, MessageId id, String text, long now, boolean held) {
        long timer = timers == null ? 0 : timers.seconds(recipient);
        long expiresAt = Sealer.expiresAt(now, timer);
        byte[] sealed =
                sealer.seal(
                        SealedPayload.KIND_MESSAGE,
                        recipient,
                        id,
                        now,
                        expiresAt,
                        Content.encodeText(text));
        return db.transactionUnsynced(
                c -> {
                    long row =
                            messages.insertOutgoing(c, recipient, ownDevice, id.value(), text, now);
                    if (timer > 0) {
                        timers.stamp(c, row, timer);
                    }
                    outbox.insert(
                            c,
                            row,
                            recipient,
                            id.value(),
                            expiresAt,
                            sealed,
                            held ? OutboxStore.HELD : now);
                    return row;
                });
    }
}
