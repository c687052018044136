package dev.cipherline.relay.internal.delivery;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.util.List;

/**
 * The connection of one device, as the {@link DeliveryBus} sees it. Methods may be called from any
 * thread; implementations hand the work to their own thread and return at once.
 */
public interface DeliveryListener {

    /** These entries were committed to the device's queue, in seq order. */
    void newEntries(List<QueueEntry> entries);

    /**
     * Entries up to {@code lastSeq} were committed to the device's queue by another relay node;
     * they are read from the store, which holds them already. {@code lastSeq} 0 announces new
     * expiry notices instead; {@link Long#MAX_VALUE} asks to read both again.
     */
    void wake(long lastSeq);

    /** An ephemeral envelope for the device; it is not stored anywhere. */
    void ephemeral(Frame.Deliver deliver);

    /** A newer connection of the same device took over; this one must close. */
    void replaced();

    /**
     * The device was removed (by a device of its account or by the relay's operator); this
     * connection must close with {@code 4006}.
     */
    default void revoked() {
        replaced();
    }
}
