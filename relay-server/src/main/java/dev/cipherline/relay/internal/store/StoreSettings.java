package dev.cipherline.relay.internal.store;

import java.time.Duration;

/**
 * What every storage engine is configured with, whichever it is.
 *
 * @param queueQuota the most entries one device's queue may hold
 * @param sendIdRetention how long an accepted clientMsgId is remembered for idempotency (the
 *     relay's longest expiry, so a retry of a message that could still be delivered is never stored
 *     twice)
 * @param maxSentNotices the most unacknowledged "sent" expiry notices one device holds ({@link
 *     NoticeStore#MAX_SENT_NOTICES} unless a test asks for fewer)
 */
public record StoreSettings(int queueQuota, Duration sendIdRetention, int maxSentNotices) {
    /** Checks every value. */
    public StoreSettings {
        if (queueQuota < 1) {
            throw new IllegalArgumentException("the queue quota must be at least 1");
        }
        if (maxSentNotices < 1) {
            throw new IllegalArgumentException("the cap of sent notices must be at least 1");
        }
        if (sendIdRetention.isNegative()) {
            throw new IllegalArgumentException("the send ID retention must not be negative");
        }
    }

    /** Settings with the default cap of sent notices. */
    public StoreSettings(int queueQuota, Duration sendIdRetention) {
        this(queueQuota, sendIdRetention, NoticeStore.MAX_SENT_NOTICES);
    }
}
