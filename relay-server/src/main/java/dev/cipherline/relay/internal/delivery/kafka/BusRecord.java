package dev.cipherline.relay.internal.delivery.kafka;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;

/**
 * One record on the bus topic, addressed to whichever node holds the connection of {@link #device}.
 * It never carries a stored message: a {@link Wake} names a seq, an {@link Ephemeral} carries an
 * envelope that is never stored (opaque ciphertext), a {@link Takeover} names connections. {@link
 * BusCodec} turns them into Kafka values and back.
 */
public sealed interface BusRecord {

    /** The node that produced the record. */
    String origin();

    /** The device the record is for. */
    DeviceAddress device();

    /** Entries up to {@code lastSeq} were committed to the device's queue. */
    record Wake(String origin, DeviceAddress device, long lastSeq) implements BusRecord {}

    /** An ephemeral envelope for the device, as the {@code deliver} frame to write. */
    record Ephemeral(String origin, DeviceAddress device, Frame.Deliver deliver)
            implements BusRecord {}

    /**
     * Connection {@code newConnection} of node {@code origin} holds the device now, so connection
     * {@code replacedConnection} (on whichever node) must close. Naming the replaced connection
     * rather than only the new one keeps a late record from closing a connection newer than both.
     */
    record Takeover(
            String origin, DeviceAddress device, String replacedConnection, String newConnection)
            implements BusRecord {}
}
