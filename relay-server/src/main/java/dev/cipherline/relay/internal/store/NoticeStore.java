package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Expiry notices: what the sweep ({@link QueueStore#sweep}) recorded when it deleted entries that
 * expired unread, kept per device until the device acknowledges them. A notice is written durably
 * together with the deletion it reports (on SQLite in the same transaction; on MongoDB right after
 * the entry was deleted, see docs/ARCHITECTURE.md), so it survives a restart and a device that is
 * offline for long.
 *
 * <p>Bounds: a sender device holds at most {@link #MAX_SENT_NOTICES} {@link ExpiryNotice.Sent}
 * notices (further expiries of its envelopes are not recorded until it acknowledges some); a
 * recipient device holds one {@link ExpiryNotice.Summary} per sender device, whose count grows.
 * Notices of a device are deleted with its queue when it is re-registered or removed.
 */
public interface NoticeStore {

    /** The most unacknowledged "sent" notices one device holds. */
    int MAX_SENT_NOTICES = 10_000;

    /**
     * Up to {@code limit} notices of the device with an ID above {@code afterId}, by ID; ordered
     * after the device's earlier {@link #ackNotices} (a reconnect does not see a notice its last
     * connection acknowledged).
     */
    CompletableFuture<List<ExpiryNotice>> notices(DeviceAddress device, long afterId, int limit);

    /**
     * Subtracts each acknowledged count from the device's own notice of that ID and deletes the
     * notices that reach 0; IDs that are not the device's are ignored.
     */
    CompletableFuture<Void> ackNotices(DeviceAddress device, List<Frame.NoticeAck> acks);
}
