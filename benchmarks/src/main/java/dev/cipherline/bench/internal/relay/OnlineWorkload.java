package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W1: {@code pairs} connected sender→receiver pairs; each sender sends {@code messages} envelopes
 * to its own receiver with at most {@code window} unaccepted at a time, and each receiver acks
 * every delivery at once. A warm-up round of {@code warmup} envelopes per pair runs first and is
 * not counted.
 */
public final class OnlineWorkload {
    /** What to run. */
    public record Options(
            int pairs, int messages, int warmup, int window, int size, Duration timeout) {}

    private final Options o;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile CountDownLatch delivered;
    private volatile boolean measuring;
    private int target;

    public OnlineWorkload(Options options) {
        this.o = options;
    }

    /** Runs against a fresh relay and returns the fields of its JSON line. */
    public Map<String, Object> run(RelayProcess relay, ClientGroup clients) throws Exception {
        return run(relay, clients, relay, clients);
    }

    /**
     * Runs with the senders connected to one relay node and the receivers to another (the nodes of
     * one cluster, which share a store); the two may be the same. The relay CPU is the sum of both
     * nodes, and each node's own share is reported as well when they differ.
     */
    public Map<String, Object> run(
            RelayProcess senderNode,
            ClientGroup senderClients,
            RelayProcess receiverNode,
            ClientGroup receiverClients)
            throws Exception {
        RelayProcess relay = senderNode;
        boolean crossNode = senderNode != receiverNode;
        Duration setup = o.timeout();
        List<BenchDevice> devices = new Registrar(relay.url()).register(2 * o.pairs(), setup);
        List<Receiver> receivers = new ArrayList<>();
        List<Sender> senders = new ArrayList<>();
        for (int i = 0; i < o.pairs(); i++) {
            receivers.add(new Receiver(i));
            senders.add(new Sender(i, devices.get(o.pairs() + i)));
        }
        List<BenchConnection> rx =
                Connections.open(
                        receiverClients,
                        devices.subList(o.pairs(), 2 * o.pairs()),
                        receivers::get,
                        setup);
        List<BenchConnection> tx =
                Connections.open(senderClients, devices.subList(0, o.pairs()), senders::get, setup);
        try {
            boolean warmed = phase(tx, senders, o.warmup());
            measuring = true;
            long senderCpu0 = senderNode.cpuNanos();
            long receiverCpu0 = crossNode ? receiverNode.cpuNanos() : 0;
            long t0 = System.nanoTime();
            boolean finished = phase(tx, senders, o.warmup() + o.messages());
            long elapsed = System.nanoTime() - t0;
            long senderCpu = senderNode.cpuNanos() - senderCpu0;
            long receiverCpu = crossNode ? receiverNode.cpuNanos() - receiverCpu0 : 0;
            long cpu = senderCpu + receiverCpu;
            long count = (long) o.pairs() * o.messages() - delivered.getCount();

            long[] all = new long[(int) count];
            int n = 0;
            for (Receiver r : receivers) {
                for (int k = 0; k < r.recorded && n < all.length; k++) {
                    all[n++] = r.latencies[k];
                }
            }
            Latencies lat = new Latencies(java.util.Arrays.copyOf(all, n));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("pairs", o.pairs());
            out.put("messages_per_sender", o.messages());
            out.put("warmup_per_sender", o.warmup());
            out.put("window", o.window());
            out.put("envelope_bytes", o.size());
            out.put("completed", warmed && finished);
            out.put("delivered", count);
            out.put("errors", errors.get());
            out.put("seconds", Latencies.round(elapsed / 1e9));
            out.put("delivered_msgs_per_s", Math.round(count / (elapsed / 1e9)));
            out.put("latency_ms_p50", lat.percentileMs(50));
            out.put("latency_ms_p90", lat.percentileMs(90));
            out.put("latency_ms_p99", lat.percentileMs(99));
            out.put("latency_ms_max", lat.maxMs());
            out.put("relay_cpu_ms", cpu / 1_000_000);
            out.put("relay_cpu_us_per_msg", count == 0 ? null : Latencies.round(cpu / 1e3 / count));
            if (crossNode && count > 0) {
                out.put("sender_node_cpu_us_per_msg", Latencies.round(senderCpu / 1e3 / count));
                out.put("receiver_node_cpu_us_per_msg", Latencies.round(receiverCpu / 1e3 / count));
            }
            return out;
        } finally {
            rx.forEach(BenchConnection::close);
            tx.forEach(BenchConnection::close);
        }
    }

    /** Raises every sender's target to {@code upTo} and waits until all of it is delivered. */
    private boolean phase(List<BenchConnection> tx, List<Sender> senders, int upTo)
            throws InterruptedException {
        int per = upTo - target;
        target = upTo;
        delivered = new CountDownLatch(per * senders.size());
        for (int i = 0; i < senders.size(); i++) {
            Sender s = senders.get(i);
            BenchConnection c = tx.get(i);
            c.eventLoop().execute(() -> s.raise(c, upTo));
        }
        return delivered.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A sender's state, touched only on its connection's event loop. */
    private final class Sender implements FrameListener {
        private final int stream;
        private final BenchDevice to;
        private int target;
        private int sent;
        private int unaccepted;

        Sender(int stream, BenchDevice to) {
            this.stream = stream;
            this.to = to;
        }

        void raise(BenchConnection c, int upTo) {
            target = upTo;
            fill(c);
        }

        private void fill(BenchConnection c) {
            while (unaccepted < o.window() && sent < target) {
                byte[] payload = Payloads.create(o.size(), stream, sent);
                c.send(
                        new Frame.Send(
                                "m" + sent,
                                Kind.MESSAGE,
                                System.currentTimeMillis() + 86_400_000L,
                                null,
                                List.of(to.recipient(payload))));
                sent++;
                unaccepted++;
            }
        }

        @Override
        public void onFrame(BenchConnection c, Frame frame) {
            if (frame instanceof Frame.Accepted) {
                accepted.incrementAndGet();
                unaccepted--;
                fill(c);
            } else if (!(frame instanceof Frame.Synced)) {
                errors.incrementAndGet();
            }
        }
    }

    /** A receiver's state, touched only on its connection's event loop. */
    private final class Receiver implements FrameListener {
        private final int stream;
        private final long[] latencies = new long[o.messages()];
        private int recorded;
        private int next;

        Receiver(int stream) {
            this.stream = stream;
        }

        @Override
        public void onFrame(BenchConnection c, Frame frame) {
            if (frame instanceof Frame.Deliver d) {
                long now = System.nanoTime();
                c.send(new Frame.Ack(List.of(d.seq())));
                byte[] p = d.ciphertext();
                if (Payloads.stream(p) != stream || Payloads.index(p) != next) {
                    // out of order, duplicated or misrouted: counted, never silently accepted
                    errors.incrementAndGet();
                    return;
                }
                next++;
                if (measuring && recorded < latencies.length) {
                    latencies[recorded++] = now - Payloads.sentNanos(p);
                }
                delivered.countDown();
            } else if (!(frame instanceof Frame.Synced)) {
                errors.incrementAndGet();
            }
        }
    }
}
