package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;

/**
 * One stored expiry notice for one device: either that an envelope the device sent expired in a
 * recipient device's queue ({@link Sent}), or how many envelopes from one sender device expired in
 * the device's own queue ({@link Summary}).
 */
public sealed interface ExpiryNotice {

    /** The notice's ID, unique per relay, never reused. */
    long id();

    /** How many expired entries the notice stands for (1 for {@link Sent}). */
    int count();

    /** The frame that carries the notice to its device. */
    Frame toFrame();

    /**
     * An envelope this device sent, {@code clientMsgId}, expired unread in the queue of {@code
     * recipient}'s device {@code recipientDevice} at {@code expiresAt}.
     */
    record Sent(long id, String clientMsgId, String recipient, int recipientDevice, long expiresAt)
            implements ExpiryNotice {
        @Override
        public int count() {
            return 1;
        }

        @Override
        public Frame toFrame() {
            return new Frame.Expired(id, clientMsgId, recipient, recipientDevice, expiresAt);
        }
    }

    /**
     * {@code count} envelopes from {@code sender}'s device {@code senderDevice} expired unread in
     * this device's queue, between {@code firstExpiresAt} and {@code lastExpiresAt}.
     */
    record Summary(
            long id,
            String sender,
            int senderDevice,
            int count,
            long firstExpiresAt,
            long lastExpiresAt)
            implements ExpiryNotice {
        @Override
        public Frame toFrame() {
            return new Frame.ExpiredSummary(
                    id, sender, senderDevice, count, firstExpiresAt, lastExpiresAt);
        }
    }
}
