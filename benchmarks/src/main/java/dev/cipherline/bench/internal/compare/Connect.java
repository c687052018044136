package dev.cipherline.bench.internal.compare;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Connects many devices of one system, a bounded number at a time, within a deadline. */
final class Connect {
    private static final int IN_FLIGHT = 64;

    private Connect() {}

    /**
     * Connects each device with the inbox {@code inboxes.apply(i)}; throws if any connection fails
     * or the whole set takes longer than {@code timeout}.
     */
    static List<Messaging.Peer> all(
            Messaging system,
            List<Messaging.Endpoint> devices,
            IntFunction<Messaging.Inbox> inboxes,
            Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<Messaging.Peer>> pending = new ArrayList<>(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            if (!slots.tryAcquire(
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException(
                        "connecting " + devices.size() + " devices took over " + timeout);
            }
            pending.add(
                    system.connect(devices.get(i), inboxes.apply(i))
                            .whenComplete((c, e) -> slots.release()));
        }
        List<Messaging.Peer> open = new ArrayList<>(devices.size());
        for (CompletableFuture<Messaging.Peer> f : pending) {
            try {
                open.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException | TimeoutException e) {
                open.forEach(Messaging.Peer::close);
                throw new IOException(
                        "a connection failed after " + open.size() + " opened: " + e, e);
            }
        }
        return open;
    }
}
