package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * W2: one sender stores {@code messages} envelopes for an offline device with at most {@code
 * window} unaccepted; then the device connects and drains its queue, acking each delivery. Checks
 * count, order and duplicates.
 */
public final class OfflineWorkload {
    /** What to run. */
    public record Options(int messages, int window, int size, Duration timeout) {}

    private final Options o;

    public OfflineWorkload(Options options) {
        this.o = options;
    }

    /** Runs against a fresh relay and returns the fields of its JSON line. */
    public Map<String, Object> run(RelayProcess relay, ClientGroup clients) throws Exception {
        List<BenchDevice> devices = new Registrar(relay.url()).register(2, o.timeout());
        BenchDevice recipient = devices.get(1);

        Store store = new Store(recipient);
        BenchConnection sender =
                Connections.open(clients, devices.subList(0, 1), i -> store, o.timeout()).get(0);
        long cpu0 = relay.cpuNanos();
        long t0 = System.nanoTime();
        sender.eventLoop().execute(() -> store.fill(sender));
        boolean stored = store.done.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        long storeNanos = System.nanoTime() - t0;
        long storeCpu = relay.cpuNanos() - cpu0;
        sender.close();

        Drain drain = new Drain();
        long cpu1 = relay.cpuNanos();
        drain.connectStart = System.nanoTime();
        BenchConnection receiver =
                Connections.open(clients, List.of(recipient), i -> drain, o.timeout()).get(0);
        boolean drained = drain.done.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        long drainCpu = relay.cpuNanos() - cpu1;
        receiver.close();

        double drainSeconds = (drain.last - drain.connectStart) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messages", o.messages());
        out.put("send_window", o.window());
        out.put("envelope_bytes", o.size());
        out.put("completed", stored && drained);
        out.put("accepted", store.accepted);
        out.put("store_errors", store.errors);
        out.put("store_seconds", Latencies.round(storeNanos / 1e9));
        out.put("store_msgs_per_s", Math.round(store.accepted / (storeNanos / 1e9)));
        out.put("store_relay_cpu_us_per_msg", Latencies.round(storeCpu / 1e3 / o.messages()));
        out.put("delivered", drain.received);
        out.put("in_order", drain.inOrder);
        out.put("duplicates", drain.duplicates);
        out.put("synced_after_backlog", drain.syncedAfter);
        out.put("first_delivery_ms", Latencies.round((drain.first - drain.connectStart) / 1e6));
        out.put("drain_seconds", Latencies.round(drainSeconds));
        out.put("drain_msgs_per_s", Math.round(drain.received / drainSeconds));
        out.put("drain_relay_cpu_us_per_msg", Latencies.round(drainCpu / 1e3 / o.messages()));
        return out;
    }

    /** The sender: keeps {@code window} sends outstanding until all are accepted. */
    private final class Store implements FrameListener {
        final CountDownLatch done = new CountDownLatch(1);
        private final BenchDevice to;
        int sent;
        int unaccepted;
        volatile int accepted;
        volatile int errors;

        Store(BenchDevice to) {
            this.to = to;
        }

        void fill(BenchConnection c) {
            while (unaccepted < o.window() && sent < o.messages()) {
                c.send(
                        new Frame.Send(
                                "w2-" + sent,
                                Kind.MESSAGE,
                                System.currentTimeMillis() + 86_400_000L,
                                null,
                                List.of(to.recipient(Payloads.create(o.size(), 0, sent)))));
                sent++;
                unaccepted++;
            }
        }

        @Override
        public void onFrame(BenchConnection c, Frame frame) {
            if (frame instanceof Frame.Accepted) {
                accepted++;
                unaccepted--;
                if (accepted == o.messages()) {
                    done.countDown();
                }
                fill(c);
            } else if (!(frame instanceof Frame.Synced)) {
                errors++;
            }
        }
    }

    /** The recipient: records arrival times, order and duplicates, acks every delivery. */
    private final class Drain implements FrameListener {
        final CountDownLatch done = new CountDownLatch(1);
        final BitSet seen = new BitSet();
        volatile long connectStart;
        volatile long first;
        volatile long last;
        volatile int received;
        volatile int duplicates;
        volatile boolean inOrder = true;
        volatile boolean syncedAfter;
        private int next;

        @Override
        public void onFrame(BenchConnection c, Frame frame) {
            if (frame instanceof Frame.Deliver d) {
                long now = System.nanoTime();
                c.send(new Frame.Ack(List.of(d.seq())));
                int index = Payloads.index(d.ciphertext());
                if (seen.get(index)) {
                    duplicates++;
                    return;
                }
                seen.set(index);
                if (index != next) {
                    inOrder = false;
                }
                next = index + 1;
                if (received == 0) {
                    first = now;
                }
                last = now;
                received++;
            } else if (frame instanceof Frame.Synced) {
                syncedAfter = received == o.messages();
                done.countDown();
            }
        }
    }
}
