package dev.cipherline.bench.internal.relay;

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

/** Opens many authenticated connections, a bounded number at a time, within a deadline. */
final class Connections {
    private static final int IN_FLIGHT = 128;

    private Connections() {}

    /**
     * Connects each device with the listener {@code listeners.apply(i)}; throws if any connection
     * fails or the whole set takes longer than {@code timeout}.
     */
    static List<BenchConnection> open(
            ClientGroup clients,
            List<BenchDevice> devices,
            IntFunction<FrameListener> listeners,
            Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<CompletableFuture<BenchConnection>> pending = new ArrayList<>(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            if (!slots.tryAcquire(
                    Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IOException(
                        "opening " + devices.size() + " connections took over " + timeout);
            }
            pending.add(
                    clients.connect(devices.get(i), listeners.apply(i))
                            .whenComplete((c, e) -> slots.release()));
        }
        List<BenchConnection> open = new ArrayList<>(devices.size());
        for (CompletableFuture<BenchConnection> f : pending) {
            try {
                open.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException | TimeoutException e) {
                open.forEach(BenchConnection::close);
                throw new IOException(
                        "a connection failed after " + open.size() + " opened: " + e, e);
            }
        }
        return open;
    }
}
