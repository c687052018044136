package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.relay.Latencies;
import dev.cipherline.bench.internal.relay.Payloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * W1 on any {@link Messaging} system: {@code pairs} connected sender→receiver pairs; each sender
 * keeps at most {@code window} messages unaccepted until it has sent {@code messages}, after a
 * round of {@code warmup} per sender that is not counted. Throughput, delivery latency and the
 * server's CPU time per delivered message.
 */
public final class PairsWorkload {
    /** What to run. */
    public record Options(
            int pairs, int messages, int warmup, int window, int size, Duration timeout) {}

    private final Options o;
    private volatile CountDownLatch delivered;
    private volatile boolean measuring;

    public PairsWorkload(Options options) {
        this.o = options;
    }

    /** Runs on {@code system} and returns the fields of its JSON line. */
    public Map<String, Object> run(Messaging system) throws Exception {
        List<Messaging.Endpoint> devices = system.provision(2 * o.pairs());
        List<Receiver> receivers = new ArrayList<>();
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < o.pairs(); i++) {
            receivers.add(new Receiver(i));
            senders.add(new Sender(i, devices.get(o.pairs() + i)));
        }
        List<Messaging.Peer> rx =
                Connect.all(
                        system,
                        devices.subList(o.pairs(), 2 * o.pairs()),
                        receivers::get,
                        o.timeout());
        List<Messaging.Peer> tx =
                Connect.all(
                        system,
                        devices.subList(0, o.pairs()),
                        i -> Messaging.Inbox.IGNORE,
                        o.timeout());
        try {
            boolean warmed = phase(tx, senders, o.warmup());
            measuring = true;
            long cpu0 = Proc.cpuNanos(system.serverPid());
            long t0 = System.nanoTime();
            boolean finished = phase(tx, senders, o.warmup() + o.messages());
            long elapsed = System.nanoTime() - t0;
            long cpu = Proc.cpuNanos(system.serverPid()) - cpu0;
            long count = (long) o.pairs() * o.messages() - delivered.getCount();
            List<Long> all = new ArrayList<>();
            long outOfOrder = 0;
            for (Receiver r : receivers) {
                synchronized (r) {
                    for (int k = 0; k < r.recorded; k++) {
                        all.add(r.latencies[k]);
                    }
                    outOfOrder += r.outOfOrder;
                }
            }
            Latencies lat = new Latencies(all.stream().mapToLong(Long::longValue).toArray());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("pairs", o.pairs());
            out.put("window", o.window());
            out.put("messages_per_sender", o.messages());
            out.put("completed", warmed && finished);
            out.put("delivered", count);
            out.put("out_of_order", outOfOrder);
            out.put("errors", system.errors());
            out.put("seconds", Latencies.round(elapsed / 1e9));
            out.put("msgs_per_s", Math.round(count / (elapsed / 1e9)));
            out.put("latency_ms_p50", lat.percentileMs(50));
            out.put("latency_ms_p99", lat.percentileMs(99));
            out.put(
                    "server_cpu_us_per_msg",
                    count == 0 ? null : Latencies.round(cpu / 1e3 / count));
            return out;
        } finally {
            rx.forEach(Messaging.Peer::close);
            tx.forEach(Messaging.Peer::close);
        }
    }

    private boolean phase(List<Messaging.Peer> tx, List<Sender> senders, int upTo)
            throws InterruptedException {
        if (upTo == 0) {
            return true;
        }
        int per = upTo - senders.get(0).target;
        delivered = new CountDownLatch(per * senders.size());
        for (int i = 0; i < senders.size(); i++) {
            senders.get(i).raise(tx.get(i), upTo);
        }
        return delivered.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private final class Sender {
        private final int stream;
        private final Messaging.Endpoint to;
        private int target;
        private int sent;
        private int unaccepted;
        private Messaging.Peer peer;

        Sender(int stream, Messaging.Endpoint to) {
            this.stream = stream;
            this.to = to;
        }

        synchronized void raise(Messaging.Peer p, int upTo) {
            peer = p;
            target = upTo;
            fill();
        }

        private synchronized void fill() {
            while (unaccepted < o.window() && sent < target) {
                byte[] payload = Payloads.create(o.size(), stream, sent);
                sent++;
                unaccepted++;
                peer.send(to, payload, this::accepted);
            }
        }

        private synchronized void accepted() {
            unaccepted--;
            fill();
        }
    }

    private final class Receiver implements Messaging.Inbox {
        private final int stream;
        private final long[] latencies = new long[o.messages()];
        private int recorded;
        private int next;
        private long outOfOrder;

        Receiver(int stream) {
            this.stream = stream;
        }

        @Override
        public synchronized void onMessage(byte[] p) {
            long now = System.nanoTime();
            if (Payloads.stream(p) != stream) {
                outOfOrder++;
                return;
            }
            int index = Payloads.index(p);
            if (index < next) {
                outOfOrder++; // a redelivery: not counted twice
                return;
            }
            if (index != next) {
                outOfOrder++;
            }
            next = index + 1;
            if (measuring && recorded < latencies.length) {
                latencies[recorded++] = now - Payloads.sentNanos(p);
            }
            delivered.countDown();
        }
    }
}
