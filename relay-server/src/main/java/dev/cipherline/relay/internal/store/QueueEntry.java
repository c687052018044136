package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;

/**
 * One stored envelope in one device's queue.
 *
 * @param ciphertext the recipient's own ciphertext or the send's shared body (opaque)
 */
public record QueueEntry(
        long seq,
        String sender,
        int senderDevice,
        String clientMsgId,
        Kind kind,
        long serverTime,
        long expiresAt,
        byte[] ciphertext) {

    /** The {@code deliver} frame that carries this entry. */
    public Frame.Deliver toDeliver() {
        return new Frame.Deliver(
                seq, sender, senderDevice, clientMsgId, kind, serverTime, expiresAt, ciphertext);
    }
}
