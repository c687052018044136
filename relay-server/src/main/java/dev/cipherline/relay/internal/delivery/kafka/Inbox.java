package dev.cipherline.relay.internal.delivery.kafka;

import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Ephemeral;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Takeover;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Wake;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands each record read from the bus topic to the device's connection on this node, if it has one:
 * a wake to {@link DeliveryListener#wake}, an ephemeral to {@link DeliveryListener#ephemeral}, a
 * takeover closes the connection it names. A record that does not decode is counted and skipped,
 * never thrown: one bad record must not stop the node's consumer. Called by one thread at a time.
 */
final class Inbox {
    private static final System.Logger LOG = System.getLogger(Inbox.class.getName());

    private final LocalConnections connections;
    private final BusCodec codec;
    private final AtomicLong malformed = new AtomicLong();

    /** An inbox for the connections of this node. */
    Inbox(LocalConnections connections, BusCodec codec) {
        this.connections = connections;
        this.codec = codec;
    }

    /** Handles one record's value; returns normally whatever the value holds. */
    void accept(byte[] value) {
        BusRecord record;
        try {
            record = codec.decode(value);
        } catch (RuntimeException e) {
            // the first one says what is wrong (producers of another version?), the rest are
            // counted
            if (malformed.getAndIncrement() == 0) {
                LOG.log(Level.WARNING, "skipping a malformed bus record: " + e.getMessage());
            }
            return;
        }
        if (record instanceof Takeover t) {
            connections.replace(t.device(), t.replacedConnection());
            return;
        }
        DeliveryListener listener = connections.listener(record.device());
        if (listener == null) {
            return;
        }
        if (record instanceof Wake w) {
            listener.wake(w.lastSeq());
        } else {
            listener.ephemeral(((Ephemeral) record).deliver());
        }
    }

    /** How many records could not be decoded. */
    long malformed() {
        return malformed.get();
    }
}
