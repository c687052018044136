package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.relay.Latencies;
import dev.cipherline.bench.internal.relay.Payloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W5, the trickle: {@code devices} connected devices, each sending one message to another connected
 * device chosen at random every 1–2 s (uniformly at random) for {@code duration}. What a production
 * relay mostly sees. The server's CPU time per delivered message, delivery latency, and the
 * server's resident memory at the end.
 */
public final class TrickleWorkload {
    /** What to run. */
    public record Options(int devices, Duration duration, int size, Duration timeout) {}

    private final Options o;
    private final List<Long> latencies = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean running = true;

    public TrickleWorkload(Options options) {
        if (options.devices() < 2) {
            throw new IllegalArgumentException("the trickle needs at least 2 devices");
        }
        this.o = options;
    }

    /** Runs on {@code system} and returns the fields of its JSON line. */
    public Map<String, Object> run(Messaging system) throws Exception {
        List<Messaging.Endpoint> devices = system.provision(o.devices());
        Messaging.Inbox inbox = this::received;
        List<Messaging.Peer> peers = Connect.all(system, devices, i -> inbox, o.timeout());
        ScheduledExecutorService clock =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "trickle");
                            t.setDaemon(true);
                            return t;
                        });
        long pid = system.serverPid();
        try {
            long cpu0 = Proc.cpuNanos(pid);
            long t0 = System.nanoTime();
            for (int i = 0; i < peers.size(); i++) {
                int from = i;
                clock.schedule(
                        () -> tick(clock, peers, devices, from, 0),
                        ThreadLocalRandom.current().nextLong(2_000),
                        TimeUnit.MILLISECONDS);
            }
            Thread.sleep(o.duration().toMillis());
            running = false;
            long elapsed = System.nanoTime() - t0;
            long cpu = Proc.cpuNanos(pid) - cpu0;
            long rss = Proc.rssBytes(pid);
            long count;
            Latencies lat;
            synchronized (latencies) {
                count = latencies.size();
                lat = new Latencies(latencies.stream().mapToLong(Long::longValue).toArray());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("devices", o.devices());
            out.put("seconds", Latencies.round(elapsed / 1e9));
            out.put("completed", count > 0 && system.errors() == 0);
            out.put("sent", sent.get());
            out.put("accepted", accepted.get());
            out.put("delivered", count);
            out.put("errors", system.errors());
            out.put("msgs_per_s", Math.round(count / (elapsed / 1e9)));
            out.put("latency_ms_p50", lat.percentileMs(50));
            out.put("latency_ms_p99", lat.percentileMs(99));
            out.put(
                    "server_cpu_us_per_msg",
                    count == 0 ? null : Latencies.round(cpu / 1e3 / count));
            out.put("server_rss_mb", Latencies.round(rss / 1048576.0));
            return out;
        } finally {
            running = false;
            clock.shutdownNow();
            peers.forEach(Messaging.Peer::close);
        }
    }

    private void tick(
            ScheduledExecutorService clock,
            List<Messaging.Peer> peers,
            List<Messaging.Endpoint> devices,
            int from,
            int index) {
        if (!running) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int to = random.nextInt(devices.size() - 1);
        if (to >= from) {
            to++;
        }
        sent.incrementAndGet();
        peers.get(from)
                .send(
                        devices.get(to),
                        Payloads.create(o.size(), from, index),
                        accepted::incrementAndGet);
        clock.schedule(
                () -> tick(clock, peers, devices, from, index + 1),
                1_000 + random.nextLong(1_001),
                TimeUnit.MILLISECONDS);
    }

    private void received(byte[] payload) {
        long latency = System.nanoTime() - Payloads.sentNanos(payload);
        if (running) {
            synchronized (latencies) {
                latencies.add(latency);
            }
        }
    }
}
