package dev.cipherline.relay.internal.store;

import java.time.Duration;

/**
 * What every storage engine is configured with, whichever it is.
 *
 * @param queueQuota the most entries one device's queue may hold
 * @param sendIdRetention how long an accepted clientMsgId is remembered for idempotency (the
 *     relay's longest expiry, so a retry of a message that could still be delivered is never stored
 *     twice)
 */
public record StoreSettings(int queueQuota, Duration sendIdRetention) {
    /** Checks both values. */
    public StoreSettings {
        if (queueQuota < 1) {
            throw new IllegalArgumentException("the queue quota must be at least 1");
        }
        if (sendIdRetention.isNegative()) {
            throw new IllegalArgumentException("the send ID retention must not be negative");
        }
    }
}
