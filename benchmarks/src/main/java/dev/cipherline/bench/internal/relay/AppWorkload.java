package dev.cipherline.bench.internal.relay;

import dev.cipherline.bench.internal.TempDirs;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.IncomingMessage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * APP: the latency an app sees, from {@code send} on one SDK client to {@code onMessage} on
 * another, through the relay. Two real clients (each with its own store, synced as the SDK syncs:
 * before anything leaves the device) run in this process and talk to the relay over loopback. First
 * {@code messages} messages one at a time (the next is sent when the previous arrived): the latency
 * percentiles; then {@code messages} sent at once: the time until the last arrived, how long the
 * app's {@code send} calls took, and the CPU time per message of this process (both SDK clients)
 * and of the relay process during the burst. Both phases check arrival order and duplicates. A
 * warm-up of the same two phases runs first. The burst runs {@code bursts} times; the figures are
 * each burst's, and the medians. Also reports how long this process's JIT compilers ran during the
 * bursts: a burst that ran while the compilers were still busy is slower and costs more CPU than
 * the steady state.
 */
public final class AppWorkload {
    /** What to run. */
    public record Options(int messages, int warmup, Duration timeout, int bursts) {
        /** One burst. */
        public Options(int messages, int warmup, Duration timeout) {
            this(messages, warmup, timeout, 1);
        }
    }

    private final Options o;

    public AppWorkload(Options options) {
        this.o = options;
    }

    /** Runs against a fresh relay and returns the fields of its JSON line. */
    public Map<String, Object> run(RelayProcess relay, ClientGroup unused) throws Exception {
        Path dir = Files.createTempDirectory("cipherline-bench-app-");
        try {
            ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
            AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
            Inbox inbox = new Inbox();
            try (ChatClient alice =
                            ChatClient.builder()
                                    .home(dir.resolve("alice"))
                                    .listener(new ChatListener() {})
                                    .build();
                    ChatClient receiver =
                            ChatClient.builder().home(dir.resolve("bob")).listener(inbox).build()) {
                long wait = o.timeout().toMillis();
                alice.synced().get(wait, TimeUnit.MILLISECONDS);
                receiver.synced().get(wait, TimeUnit.MILLISECONDS);
                Phase phase = new Phase(alice, bob.accountId(), inbox, wait);

                if (o.warmup() > 0) {
                    phase.oneAtATime(o.warmup());
                    phase.allAtOnce(o.warmup());
                }

                long[] latencies = phase.oneAtATime(o.messages());
                List<Map<String, Object>> bursts = new ArrayList<>();
                long jit0 = compilationMillis();
                for (int b = 0; b < o.bursts() && phase.problem == null; b++) {
                    long sdkCpu0 = processCpuNanos();
                    long relayCpu0 = relay.cpuNanos();
                    long burstNanos = phase.allAtOnce(o.messages());
                    long sdkCpu = processCpuNanos() - sdkCpu0;
                    long relayCpu = relay.cpuNanos() - relayCpu0;
                    Map<String, Object> burst = new LinkedHashMap<>();
                    burst.put("all_at_once_seconds", Latencies.round(burstNanos / 1e9));
                    burst.put(
                            "all_at_once_msgs_per_s",
                            Math.round(o.messages() / (burstNanos / 1e9)));
                    burst.put(
                            "all_at_once_send_calls_ms", Latencies.round(phase.queuedNanos / 1e6));
                    burst.put(
                            "all_at_once_send_call_cpu_us",
                            Math.round(phase.queuedCpuNanos / 1e3 / o.messages()));
                    burst.put(
                            "all_at_once_sdk_cpu_us_per_msg",
                            Math.round(sdkCpu / 1e3 / o.messages()));
                    burst.put(
                            "all_at_once_relay_cpu_us_per_msg",
                            Math.round(relayCpu / 1e3 / o.messages()));
                    bursts.add(burst);
                }
                long jitMillis = compilationMillis() - jit0;

                Latencies lat = new Latencies(latencies);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("messages", o.messages());
                out.put("warmup_messages", o.warmup());
                out.put("completed", phase.problem == null);
                if (phase.problem != null) {
                    out.put("failure", phase.problem);
                }
                out.put("one_at_a_time_ms_p50", lat.percentileMs(50));
                out.put("one_at_a_time_ms_p90", lat.percentileMs(90));
                out.put("one_at_a_time_ms_p99", lat.percentileMs(99));
                out.put("one_at_a_time_ms_max", lat.maxMs());
                if (!bursts.isEmpty()) {
                    // the medians under the single-burst names; each burst's figures after them
                    for (String key : bursts.get(0).keySet()) {
                        out.put(key, median(bursts, key));
                    }
                }
                out.put("bursts", bursts.size());
                out.put("all_at_once_jit_ms", jitMillis);
                if (bursts.size() > 1) {
                    out.put("each_burst", bursts);
                }
                return out;
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** The median of {@code key} over the bursts (the lower middle one for an even count). */
    private static Object median(List<Map<String, Object>> bursts, String key) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Object> b : bursts) {
            values.add(((Number) b.get(key)).doubleValue());
        }
        java.util.Collections.sort(values);
        Object first = bursts.get(0).get(key);
        double m = values.get((values.size() - 1) / 2);
        return first instanceof Long || first instanceof Integer ? (Object) Math.round(m) : m;
    }

    /** Milliseconds this process's JIT compilers have run so far. */
    private static long compilationMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported()
                ? jit.getTotalCompilationTime()
                : -1;
    }

    /** CPU time this process (the benchmark and both SDK clients) has used so far. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** One arrival: the message's text and when {@code onMessage} ran. */
    private record Arrival(String text, long nanos) {}

    /** Bob's listener: queues every arrival with its time. */
    private static final class Inbox implements ChatListener {
        final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();

        @Override
        public void onMessage(IncomingMessage message) {
            arrivals.add(new Arrival(message.text(), System.nanoTime()));
        }
    }

    /** Sends numbered texts from alice to bob and checks what arrives. */
    private static final class Phase {
        private final ChatClient alice;
        private final AccountId to;
        private final Inbox inbox;
        private final long waitMillis;
        private int next;
        String problem;

        /** How long the app's {@code send} calls of the last burst took together. */
        long queuedNanos;

        /** The CPU time of the app's thread in those calls. */
        long queuedCpuNanos;

        Phase(ChatClient alice, AccountId to, Inbox inbox, long waitMillis) {
            this.alice = alice;
            this.to = to;
            this.inbox = inbox;
            this.waitMillis = waitMillis;
        }

        /** {@code n} messages, each sent once the previous arrived; their latencies. */
        long[] oneAtATime(int n) throws InterruptedException {
            long[] out = new long[n];
            for (int i = 0; i < n && problem == null; i++) {
                String text = text(next++);
                long t0 = System.nanoTime();
                alice.send(to, text);
                Arrival a = await(text);
                if (a == null) {
                    return java.util.Arrays.copyOf(out, i);
                }
                out[i] = a.nanos() - t0;
            }
            return out;
        }

        /** {@code n} messages sent at once; the nanoseconds until the last arrived. */
        long allAtOnce(int n) throws InterruptedException {
            if (problem != null) {
                return 0;
            }
            int first = next;
            long t0 = System.nanoTime();
            long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                alice.send(to, text(next++));
            }
            queuedNanos = System.nanoTime() - t0;
            queuedCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
            long last = t0;
            for (int i = first; i < first + n; i++) {
                Arrival a = await(text(i));
                if (a == null) {
                    break;
                }
                last = a.nanos();
            }
            return last - t0;
        }

        /** The next arrival, which must be {@code text}; null (and a problem) otherwise. */
        private Arrival await(String text) throws InterruptedException {
            Arrival a = inbox.arrivals.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (a == null) {
                fail("no message within the timeout; expected " + text);
            } else if (!a.text().equals(text)) {
                fail("expected " + text + " but " + a.text() + " arrived (order or duplicate)");
                return null;
            }
            return a;
        }

        private void fail(String why) {
            if (problem == null) {
                problem = why;
            }
        }

        private static String text(int i) {
            return "message " + i + " " + "x".repeat(200);
        }
    }
}
