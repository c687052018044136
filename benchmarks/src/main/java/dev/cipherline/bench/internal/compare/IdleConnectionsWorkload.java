package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.relay.Latencies;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W3 on any {@link Messaging} system: {@code connections} devices connect and stay idle; the
 * server's resident memory per connection is the growth of its RSS from before they connected to
 * {@code hold} after the last one did.
 */
public final class IdleConnectionsWorkload {
    /** What to run. */
    public record Options(int connections, Duration hold, Duration timeout) {}

    private final Options o;

    public IdleConnectionsWorkload(Options options) {
        this.o = options;
    }

    /** Runs on {@code system} and returns the fields of its JSON line. */
    public Map<String, Object> run(Messaging system) throws Exception {
        List<Messaging.Endpoint> devices = system.provision(o.connections());
        long pid = system.serverPid();
        long rss0 = Proc.rssBytes(pid);
        List<Messaging.Peer> open =
                Connect.all(system, devices, i -> Messaging.Inbox.IGNORE, o.timeout());
        try {
            Thread.sleep(o.hold().toMillis());
            long rss1 = Proc.rssBytes(pid);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("connections", open.size());
            out.put("completed", true);
            out.put("server_rss_mb_before", Latencies.round(rss0 / 1048576.0));
            out.put("server_rss_mb_after", Latencies.round(rss1 / 1048576.0));
            out.put(
                    "server_rss_kb_per_conn",
                    Latencies.round((rss1 - rss0) / 1024.0 / open.size()));
            return out;
        } finally {
            open.forEach(Messaging.Peer::close);
        }
    }
}
