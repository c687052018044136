package dev.cipherline.relay.internal.delivery.kafka;

import static dev.cipherline.relay.internal.delivery.kafka.LocalConnections.CLAIMING;
import static dev.cipherline.relay.internal.delivery.kafka.LocalConnections.FAILED;
import static dev.cipherline.relay.internal.delivery.kafka.LocalConnections.HELD;

import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Takeover;
import dev.cipherline.relay.internal.delivery.kafka.LocalConnections.Subscription;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceLeases;
import dev.cipherline.relay.internal.store.DeviceLeases.Holder;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the {@link DeviceLeases} of this node's connections: claims a device's lease when its
 * connection subscribes (and asks, through {@code takeovers}, the node of a previous live holder to
 * close it), renews every held lease, closes a connection whose lease another connection took (the
 * fallback when a takeover record was lost), and releases a lease when its connection leaves.
 *
 * <p>A claim that failed (the store was away) is retried on the next renewal, after checking that
 * no other connection took the device meanwhile: a late claim must not take over a newer
 * connection.
 */
final class LeaseKeeper {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    private final String nodeId;
    private final DeviceLeases leases;
    private final LocalConnections connections;
    private final Clock clock;
    private final long leaseMillis;
    private final Consumer<Takeover> takeovers;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** A keeper of the leases of {@code connections}, which belong to node {@code nodeId}. */
    LeaseKeeper(
            String nodeId,
            DeviceLeases leases,
            LocalConnections connections,
            Clock clock,
            Duration lease,
            Consumer<Takeover> takeovers) {
        this.nodeId = nodeId;
        this.leases = leases;
        this.connections = connections;
        this.clock = clock;
        this.leaseMillis = lease.toMillis();
        this.takeovers = takeovers;
    }

    /** Claims the device's lease for a subscription just made, asynchronously. */
    void claim(DeviceAddress device, Subscription subscription) {
        Holder holder = holder(subscription);
        ask(() -> leases.claim(device, holder, clock.millis() + leaseMillis))
                .whenComplete(
                        (previous, error) -> {
                            if (error != null) {
                                subscription.lease = FAILED;
                                storeFailed("claiming a device lease", error);
                                return;
                            }
                            storeAnswered();
                            subscription.lease = HELD;
                            if (connections.get(device) != subscription) {
                                // the connection left (or was replaced here) while claiming
                                release(device, subscription);
                                return;
                            }
                            previous.filter(p -> !p.nodeId().equals(nodeId))
                                    .ifPresent(
                                            p ->
                                                    takeovers.accept(
                                                            new Takeover(
                                                                    nodeId,
                                                                    device,
                                                                    p.connectionId(),
                                                                    holder.connectionId())));
                        });
    }

    /** Releases the lease of a subscription that left, asynchronously; a failure is harmless. */
    void release(DeviceAddress device, Subscription subscription) {
        // a release that fails is harmless: the lease lapses by itself
        ask(() -> leases.release(device, holder(subscription)));
    }

    /** The store's answer, or its failure to answer as a failed future (a closed store throws). */
    private static <T> CompletableFuture<T> ask(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Renews the leases this node holds, closes connections whose device another connection took,
     * and retries failed claims. Does nothing while the previous renewal is still running.
     */
    void renew() {
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        Map<DeviceAddress, Subscription> held = new HashMap<>();
        Map<DeviceAddress, String> ids = new HashMap<>();
        connections.forEach(
                (device, subscription) -> {
                    if (subscription.lease == HELD) {
                        held.put(device, subscription);
                        ids.put(device, holder(subscription).connectionId());
                    } else if (subscription.lease == FAILED) {
                        subscription.lease = CLAIMING;
                        reclaim(device, subscription);
                    }
                });
        if (ids.isEmpty()) {
            renewing.set(false);
            return;
        }
        ask(() -> leases.renew(nodeId, ids, clock.millis() + leaseMillis))
                .whenComplete(
                        (taken, error) -> {
                            renewing.set(false);
                            if (error != null) {
                                storeFailed("renewing device leases", error);
                                return;
                            }
                            storeAnswered();
                            for (DeviceAddress device : taken) {
                                Subscription subscription = held.get(device);
                                if (subscription != null) {
                                    connections.replace(device, subscription);
                                }
                            }
                        });
    }

    private void reclaim(DeviceAddress device, Subscription subscription) {
        String id = holder(subscription).connectionId();
        ask(() -> leases.holder(device, clock.millis()))
                .whenComplete(
                        (current, error) -> {
                            if (error != null) {
                                subscription.lease = FAILED;
                                storeFailed("claiming a device lease", error);
                            } else if (current.isPresent()
                                    && !current.get().connectionId().equals(id)) {
                                connections.replace(device, subscription);
                            } else {
                                claim(device, subscription);
                            }
                        });
    }

    private Holder holder(Subscription subscription) {
        return new Holder(nodeId, connections.connectionId(subscription));
    }

    private void storeFailed(String what, Throwable error) {
        if (failing.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, what + " failed, retrying on the next renewal: " + error);
        }
    }

    private void storeAnswered() {
        if (failing.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "device leases are stored again");
        }
    }
}
