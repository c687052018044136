package dev.cipherline.bench.internal.relay;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W3: {@code connections} authenticated connections that stay idle (pinging every 25 s, like the
 * SDK); reports the relay's resident memory and Java heap per connection, then closes them all.
 */
public final class IdleWorkload {
    /** What to run. */
    public record Options(int connections, Duration hold, Duration timeout) {}

    private final Options o;

    public IdleWorkload(Options options) {
        this.o = options;
    }

    /** Runs against a fresh relay and returns the fields of its JSON line. */
    public Map<String, Object> run(RelayProcess relay, ClientGroup clients) throws Exception {
        long r0 = System.nanoTime();
        List<BenchDevice> devices =
                new Registrar(relay.url()).register(o.connections(), o.timeout());
        double registerSeconds = (System.nanoTime() - r0) / 1e9;
        long heap0 = relay.heapUsedAfterGc();
        long rss0 = relay.rssBytes();
        long t0 = System.nanoTime();
        List<BenchConnection> open =
                Connections.open(clients, devices, i -> FrameListener.IGNORE, o.timeout());
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        try {
            // let the relay finish the per-connection work (synced, backlog query) before measuring
            Thread.sleep(o.hold().toMillis());
            long heap1 = relay.heapUsedAfterGc();
            long rss1 = relay.rssBytes();
            int n = open.size();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("connections", n);
            out.put("register_seconds", Latencies.round(registerSeconds));
            out.put("connect_seconds", Latencies.round(connectSeconds));
            out.put("connects_per_s", Math.round(n / connectSeconds));
            out.put("relay_rss_mb_before", rss0 >> 20);
            out.put("relay_rss_mb_after", rss1 >> 20);
            out.put("relay_rss_kb_per_conn", Latencies.round((rss1 - rss0) / 1024.0 / n));
            out.put("relay_heap_mb_before", heap0 < 0 ? null : heap0 >> 20);
            out.put("relay_heap_mb_after", heap1 < 0 ? null : heap1 >> 20);
            out.put(
                    "relay_heap_kb_per_conn",
                    heap0 < 0 || heap1 < 0 ? null : Latencies.round((heap1 - heap0) / 1024.0 / n));
            return out;
        } finally {
            open.forEach(BenchConnection::close);
        }
    }
}
