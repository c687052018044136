package dev.cipherline.relay.internal.delivery;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.util.List;

/**
 * Tells the connection of a device, wherever it is, that its queue has news. One implementation per
 * deployment: in-process for one node, a message bus for a cluster. The bus carries notifications
 * only; the store stays the source of truth, so a lost notification delays a delivery until the
 * device reconnects but loses nothing.
 *
 * <p>A bus that owns threads or connections releases them in {@link #close}; the in-process bus
 * holds nothing to release.
 */
public interface DeliveryBus extends AutoCloseable {

    /**
     * Makes {@code listener} the one connection of {@code device}. A previous listener of the same
     * device is told it was {@linkplain DeliveryListener#replaced() replaced}.
     */
    void subscribe(DeviceAddress device, DeliveryListener listener);

    /**
     * Removes {@code listener} if it is still the connection of {@code device}; else does nothing
     * (a newer connection replaced it). A method rather than a handle returned by {@link
     * #subscribe}, so that an idle connection holds one object less.
     */
    void unsubscribe(DeviceAddress device, DeliveryListener listener);

    /** Announces entries just committed to the device's queue (in seq order). */
    void publish(DeviceAddress device, List<QueueEntry> entries);

    /**
     * Tells the device's connection, wherever it is, that it has new expiry notices in the store (a
     * {@linkplain DeliveryListener#wake wake} with seq 0). A device that is not connected reads
     * them when it connects.
     */
    void notices(DeviceAddress device);

    /** Forwards an ephemeral envelope to the device if it is connected now; else drops it. */
    void forwardEphemeral(DeviceAddress device, Frame.Deliver deliver);

    /**
     * Stops the bus: it releases its threads and connections and calls no listener afterwards. Does
     * nothing by default and when called again.
     */
    @Override
    default void close() {}

    /**
     * Whether the bus can reach the other nodes now (for {@code /readyz}); a bus of one process is
     * always connected.
     */
    default boolean connected() {
        return true;
    }

    /**
     * Closes the device's connection on this node, if it has one, because the device was revoked. A
     * connection on another node of a cluster is not reached.
     */
    void disconnect(DeviceAddress device);
}
