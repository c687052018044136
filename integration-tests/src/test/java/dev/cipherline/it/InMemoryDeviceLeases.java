package dev.cipherline.it;

import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceLeases;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@link DeviceLeases} in memory, for tests of the Kafka bus that share one instance between
 * several bus instances in one JVM. Answers come from a thread of its own, as a store's do. The
 * cluster integration test exercises the real implementation, the MongoDB store.
 */
final class InMemoryDeviceLeases implements DeviceLeases, AutoCloseable {
    private record Lease(Holder holder, long until) {}

    private final Clock clock;
    private final Map<DeviceAddress, Lease> leases = new HashMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    InMemoryDeviceLeases(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Optional<Holder>> claim(
            DeviceAddress device, Holder holder, long untilMillis) {
        return answer(
                () -> {
                    Optional<Holder> previous = live(device, clock.millis());
                    leases.put(device, new Lease(holder, untilMillis));
                    return previous.filter(p -> !p.equals(holder));
                });
    }

    @Override
    public CompletableFuture<Set<DeviceAddress>> renew(
            String nodeId, Map<DeviceAddress, String> connections, long untilMillis) {
        return answer(
                () -> {
                    long now = clock.millis();
                    Set<DeviceAddress> taken = new HashSet<>();
                    connections.forEach(
                            (device, connectionId) -> {
                                Holder mine = new Holder(nodeId, connectionId);
                                Optional<Holder> current = live(device, now);
                                if (current.isEmpty() || current.get().equals(mine)) {
                                    leases.put(device, new Lease(mine, untilMillis));
                                } else {
                                    taken.add(device);
                                }
                            });
                    return taken;
                });
    }

    @Override
    public CompletableFuture<Void> release(DeviceAddress device, Holder holder) {
        return answer(
                () -> {
                    Lease lease = leases.get(device);
                    if (lease != null && lease.holder().equals(holder)) {
                        leases.remove(device);
                    }
                    return null;
                });
    }

    @Override
    public CompletableFuture<Optional<Holder>> holder(DeviceAddress device, long nowMillis) {
        return answer(() -> live(device, nowMillis));
    }

    private Optional<Holder> live(DeviceAddress device, long now) {
        Lease lease = leases.get(device);
        return lease == null || lease.until() <= now
                ? Optional.empty()
                : Optional.of(lease.holder());
    }

    private <T> CompletableFuture<T> answer(Supplier<T> work) {
        // one thread: every answer sees the effects of the calls made before it
        return CompletableFuture.supplyAsync(work, thread);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
