package dev.cipherline.bench.internal.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Warms a fresh relay up before a workload is measured. */
public final class WarmUp {
    private WarmUp() {}

    /**
     * Runs traffic between devices of its own for about {@code seconds}, so that the JIT compilers
     * of the relay and of this generator have done their work before the workload is measured: an
     * online round between 50 pairs, then an offline round (2,000 envelopes stored for an offline
     * device, which then connects and drains them), and so on. A real relay runs for days; the
     * first seconds of a fresh JVM are not what its users see.
     */
    public static void run(
            RelayProcess relay, ClientGroup clients, int seconds, int size, Duration timeout)
            throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            Map<String, Object> round =
                    i % 2 == 0
                            ? new OnlineWorkload(
                                            new OnlineWorkload.Options(
                                                    50, 200, 0, 10, size, timeout))
                                    .run(relay, clients)
                            : new OfflineWorkload(
                                            new OfflineWorkload.Options(2_000, 100, size, timeout))
                                    .run(relay, clients);
            if (Boolean.FALSE.equals(round.get("completed"))) {
                throw new IOException("the relay warm-up did not complete: " + round);
            }
        }
    }
}
