package dev.cipherline.relay.internal.delivery.kafka;

import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.store.DeviceAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The connections of devices on this node, one per device, each with a connection ID unique in the
 * cluster. Thread-safe.
 *
 * <p>A connection ID is the node ID, a random tag drawn when the node starts, and a serial: a node
 * that restarts under the same ID never reuses the ID of a connection whose lease may still run. It
 * is made from the serial when needed, so that a connection costs one {@link Subscription}.
 */
final class LocalConnections {

    /** The lease of a subscription is being claimed. */
    static final int CLAIMING = 0;

    /** The subscription holds the device's lease; renewals include it. */
    static final int HELD = 1;

    /** Claiming the lease failed; the next renewal tries again. */
    static final int FAILED = 2;

    /** One connection of one device on this node. */
    static final class Subscription {
        final DeliveryListener listener;
        final long serial;
        volatile int lease = CLAIMING;

        Subscription(DeliveryListener listener, long serial) {
            this.listener = listener;
            this.serial = serial;
        }
    }

    private final ConcurrentHashMap<DeviceAddress, Subscription> connections =
            new ConcurrentHashMap<>();
    private final AtomicLong serials = new AtomicLong();
    private final String prefix;

    /** Connections of node {@code nodeId}, told apart from an earlier run by {@code runTag}. */
    LocalConnections(String nodeId, String runTag) {
        this.prefix = nodeId + "/" + runTag + "/";
    }

    /**
     * Makes {@code listener} the device's connection here; a previous one is told it was replaced.
     *
     * @return the new subscription
     */
    Subscription subscribe(DeviceAddress device, DeliveryListener listener) {
        Subscription subscription = new Subscription(listener, serials.incrementAndGet());
        Subscription previous = connections.put(device, subscription);
        if (previous != null && previous.listener != listener) {
            previous.listener.replaced();
        }
        return subscription;
    }

    /**
     * Removes {@code listener} if it is the device's connection here.
     *
     * @return its subscription, or null if another connection (or none) is the device's
     */
    Subscription unsubscribe(DeviceAddress device, DeliveryListener listener) {
        Subscription current = connections.get(device);
        if (current != null
                && current.listener == listener
                && connections.remove(device, current)) {
            return current;
        }
        return null;
    }

    /** The device's connection here, or null. */
    Subscription get(DeviceAddress device) {
        return connections.get(device);
    }

    /** The device's listener here, or null. */
    DeliveryListener listener(DeviceAddress device) {
        Subscription subscription = connections.get(device);
        return subscription == null ? null : subscription.listener;
    }

    /**
     * Closes {@code subscription} as replaced if it is still the device's connection here.
     *
     * @return whether it was
     */
    boolean replace(DeviceAddress device, Subscription subscription) {
        if (connections.remove(device, subscription)) {
            subscription.listener.replaced();
            return true;
        }
        return false;
    }

    /**
     * Closes the device's connection here as replaced if its ID is {@code connectionId}.
     *
     * @return whether it was
     */
    boolean replace(DeviceAddress device, String connectionId) {
        Subscription subscription = connections.get(device);
        return subscription != null
                && connectionId.equals(connectionId(subscription))
                && replace(device, subscription);
    }

    /** The cluster-wide ID of a subscription of this node. */
    String connectionId(Subscription subscription) {
        return prefix + subscription.serial;
    }

    /** Calls {@code action} for every connection here. */
    void forEach(BiConsumer<DeviceAddress, Subscription> action) {
        connections.forEach(action);
    }

    /** How many devices are connected here. */
    int size() {
        return connections.size();
    }
}
