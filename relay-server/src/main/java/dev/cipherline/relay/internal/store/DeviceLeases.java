package dev.cipherline.relay.internal.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Which relay node holds the connection of each device, in a store that every node of a cluster
 * shares. A claim is a lease: it lapses at {@code until} unless its node renews it, so the claims
 * of a node that died expire by themselves. Only engines shared by several nodes implement it (the
 * single-node relay keeps its connections in memory).
 */
public interface DeviceLeases {

    /** One connection of one node: {@code connectionId} is unique across the cluster. */
    record Holder(String nodeId, String connectionId) {}

    /**
     * Makes {@code holder} the device's connection until {@code untilMillis} (epoch ms), whatever
     * held it before.
     *
     * @return the previous holder if its lease had not lapsed and it is another connection
     */
    CompletableFuture<Optional<Holder>> claim(
            DeviceAddress device, Holder holder, long untilMillis);

    /**
     * Extends to {@code untilMillis} the leases of these connections of node {@code nodeId} (device
     * to connection ID).
     *
     * @return the devices whose lease another connection holds now: their connection on this node
     *     was replaced and must close
     */
    CompletableFuture<Set<DeviceAddress>> renew(
            String nodeId, Map<DeviceAddress, String> connections, long untilMillis);

    /** Ends the lease of {@code holder} on the device, if it still holds it; else nothing. */
    CompletableFuture<Void> release(DeviceAddress device, Holder holder);

    /** The device's holder if its lease has not lapsed at {@code nowMillis}. */
    CompletableFuture<Optional<Holder>> holder(DeviceAddress device, long nowMillis);
}
