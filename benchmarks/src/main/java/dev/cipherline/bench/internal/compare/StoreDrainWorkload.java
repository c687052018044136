package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.relay.Latencies;
import dev.cipherline.bench.internal.relay.Payloads;
import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * W2 on any {@link Messaging} system: a device connects once (so that it has a session and a
 * subscription where the system needs one) and goes offline; one sender stores {@code messages} for
 * it with at most {@code window} unaccepted; then the device connects and drains its queue. Store
 * and drain rates and the server's CPU time per message of each phase.
 */
public final class StoreDrainWorkload {
    /** What to run. */
    public record Options(int messages, int window, int size, Duration timeout) {}

    private final Options o;

    public StoreDrainWorkload(Options options) {
        this.o = options;
    }

    /** Runs on {@code system} and returns the fields of its JSON line. */
    public Map<String, Object> run(Messaging system) throws Exception {
        List<Messaging.Endpoint> devices = system.provision(2);
        Messaging.Endpoint recipient = devices.get(1);
        Connect.all(system, List.of(recipient), i -> Messaging.Inbox.IGNORE, o.timeout())
                .forEach(Messaging.Peer::close);

        Store store = new Store(recipient);
        Messaging.Peer sender =
                Connect.all(system, devices.subList(0, 1), i -> Messaging.Inbox.IGNORE, o.timeout())
                        .get(0);
        long pid = system.serverPid();
        long cpu0 = Proc.cpuNanos(pid);
        long t0 = System.nanoTime();
        store.start(sender);
        boolean stored = store.done.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        long storeNanos = System.nanoTime() - t0;
        long storeCpu = Proc.cpuNanos(pid) - cpu0;
        sender.close();

        Drain drain = new Drain();
        long cpu1 = Proc.cpuNanos(pid);
        long connectStart = System.nanoTime();
        List<Messaging.Peer> rx = Connect.all(system, List.of(recipient), i -> drain, o.timeout());
        boolean drained = drain.done.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
        long drainCpu = Proc.cpuNanos(pid) - cpu1;
        rx.forEach(Messaging.Peer::close);

        double drainSeconds = (drain.last - connectStart) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("messages", o.messages());
        out.put("send_window", o.window());
        out.put("completed", stored && drained);
        out.put("accepted", store.accepted);
        out.put("errors", system.errors());
        out.put("store_msgs_per_s", Math.round(store.accepted / (storeNanos / 1e9)));
        out.put("store_server_cpu_us_per_msg", Latencies.round(storeCpu / 1e3 / o.messages()));
        out.put("delivered", drain.received);
        out.put("in_order", drain.inOrder);
        out.put("duplicates", drain.duplicates);
        out.put("drain_msgs_per_s", drained ? Math.round(drain.received / drainSeconds) : null);
        out.put("drain_server_cpu_us_per_msg", Latencies.round(drainCpu / 1e3 / o.messages()));
        return out;
    }

    private final class Store {
        final CountDownLatch done = new CountDownLatch(1);
        private final Messaging.Endpoint to;
        private Messaging.Peer peer;
        private int sent;
        private int unaccepted;
        volatile int accepted;

        Store(Messaging.Endpoint to) {
            this.to = to;
        }

        synchronized void start(Messaging.Peer p) {
            peer = p;
            fill();
        }

        private synchronized void fill() {
            while (unaccepted < o.window() && sent < o.messages()) {
                byte[] payload = Payloads.create(o.size(), 0, sent);
                sent++;
                unaccepted++;
                peer.send(to, payload, this::accepted);
            }
        }

        private synchronized void accepted() {
            unaccepted--;
            accepted++;
            if (accepted == o.messages()) {
                done.countDown();
            }
            fill();
        }
    }

    private final class Drain implements Messaging.Inbox {
        final CountDownLatch done = new CountDownLatch(1);
        private final BitSet seen = new BitSet();
        volatile long last;
        volatile int received;
        volatile int duplicates;
        volatile boolean inOrder = true;
        private int next;

        @Override
        public synchronized void onMessage(byte[] payload) {
            int index = Payloads.index(payload);
            if (seen.get(index)) {
                duplicates++;
                return;
            }
            seen.set(index);
            if (index != next) {
                inOrder = false;
            }
            next = index + 1;
            last = System.nanoTime();
            received++;
            if (received == o.messages()) {
                done.countDown();
            }
        }
    }
}
