package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Queues a text message the app sends to one account: seals it with its bound header and writes its
 * history row and its outbox entry in one transaction.
 *
 * <p>That commit is not synced on its own. Nothing leaves the device because of it: the outbox
 * thread encrypts the entry in a synced transaction before sending it, and that commit syncs this
 * one too. So a power failure can lose only a message that never reached the relay; it disappears
 * from the history and the outbox together. An app crash loses nothing.
 */
final class SendQueue {
    private final Database db;
    private final MessageStore messages;
    private final OutboxStore outbox;
    private final String ownAccount;
    private final int ownDevice;

    SendQueue(
            Database db,
            MessageStore messages,
            OutboxStore outbox,
            String ownAccount,
            int ownDevice) {
        this.db = db;
        this.messages = messages;
        this.outbox = outbox;
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
    }

    /**
     * Stores message {@code id} to {@code recipient}, sent at {@code now}, and queues it; a {@code
     * held} entry waits until the user accepts the recipient's identity change.
     *
     * @return the message's row in the history
     */
    long add(String recipient, MessageId id, String text, long now, boolean held) {
        long expiresAt = now + ClientCore.DEFAULT_EXPIRY.toMillis();
        byte[] sealed =
                seal(
                        SealedPayload.KIND_MESSAGE,
                        ownAccount,
                        ownDevice,
                        recipient,
                        id,
                        now,
                        expiresAt,
                        Content.encodeText(text));
        return db.transactionUnsynced(
                c -> {
                    long row =
                            messages.insertOutgoing(c, recipient, ownDevice, id.value(), text, now);
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

    /**
     * Queues a control message (a receipt, a group change) to {@code peer} in the caller's
     * transaction: a new message ID, the default expiry, sealed with its bound header, due now.
     */
    static void queueControl(
            Connection c,
            OutboxStore outbox,
            String ownAccount,
            int ownDevice,
            String peer,
            byte[] content,
            long now)
            throws SQLException {
        MessageId id = MessageId.random();
        long expiresAt = now + ClientCore.DEFAULT_EXPIRY.toMillis();
        byte[] sealed =
                seal(
                        SealedPayload.KIND_MESSAGE,
                        ownAccount,
                        ownDevice,
                        peer,
                        id,
                        now,
                        expiresAt,
                        content);
        outbox.insert(c, 0, peer, id.value(), expiresAt, sealed, now);
    }

    /**
     * Seals {@code content} with its bound header, addressed to {@code peer} (an account, or a
     * group's marker) on any of its devices: the inner payload of every message this device sends.
     */
    static byte[] seal(
            int kind,
            String ownAccount,
            int ownDevice,
            String peer,
            MessageId id,
            long now,
            long expiresAt,
            byte[] content) {
        return SealedPayload.seal(
                new SealedPayload.Header(
                        kind,
                        ownAccount,
                        ownDevice,
                        peer,
                        SealedPayload.ANY_DEVICE,
                        id.value(),
                        now,
                        expiresAt),
                content);
    }
}
