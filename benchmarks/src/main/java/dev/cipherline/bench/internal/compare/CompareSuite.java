package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.compare.CipherlineMessaging.ClientMode;
import dev.cipherline.bench.internal.compare.RatioTable.Unit;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the comparison: every chosen workload against Cipherline (in each chosen client mode),
 * Mosquitto and NATS JetStream, each on a fresh server warmed up first, and fills one {@link
 * RatioTable}. Each run's figures also go to {@code lines} as they come.
 */
public final class CompareSuite {
    /** The systems, by their name on the command line. */
    public static final List<String> SYSTEMS = List.of("cipherline", "mosquitto", "nats");

    /** The workloads, by their name on the command line. */
    public static final List<String> WORKLOADS = List.of("W1", "W2", "W3", "W5");

    /** What to run. */
    public record Options(
            Set<String> workloads,
            Set<String> systems,
            List<ClientMode> modes,
            int pairs,
            int messages,
            int offline,
            int trickleDevices,
            Duration trickleDuration,
            int idleConnections,
            int size,
            int warmupSeconds,
            Duration timeout,
            Path relayJar,
            List<String> relayJvm,
            List<String> relayArgs,
            int clientThreads) {
        public Options {
            workloads = Set.copyOf(workloads);
            systems = Set.copyOf(systems);
            modes = List.copyOf(modes);
            relayJvm = List.copyOf(relayJvm);
            relayArgs = List.copyOf(relayArgs);
        }
    }

    /** A system in one client mode: a column of the table. */
    private record Variant(String column, String system, ClientMode mode) {}

    @FunctionalInterface
    private interface Run {
        Map<String, Object> on(Messaging system) throws Exception;
    }

    private final Options o;
    private final RatioTable table;
    private final List<Variant> variants = new ArrayList<>();
    private final Map<String, String> durability = new LinkedHashMap<>();
    private boolean ok = true;

    public CompareSuite(Options options) {
        this.o = options;
        List<String> cipherline = new ArrayList<>();
        if (o.systems().contains("cipherline")) {
            for (ClientMode m : o.modes()) {
                String column = "Cipherline " + m.label();
                cipherline.add(column);
                variants.add(new Variant(column, "cipherline", m));
            }
        }
        List<String> others = new ArrayList<>();
        if (o.systems().contains("mosquitto")) {
            others.add("Mosquitto");
            variants.add(new Variant("Mosquitto", "mosquitto", null));
        }
        if (o.systems().contains("nats")) {
            others.add("NATS");
            variants.add(new Variant("NATS", "nats", null));
        }
        List<RatioTable.Ratio> ratios = new ArrayList<>();
        for (String c : cipherline) {
            for (String other : others) {
                ratios.add(new RatioTable.Ratio(c, other));
            }
        }
        List<String> columns = new ArrayList<>();
        variants.forEach(v -> columns.add(v.column()));
        this.table = new RatioTable(columns, ratios);
        defineRows(table, o);
    }

    /** The rows of the comparison table, in order. */
    static void defineRows(RatioTable t, Options o) {
        String w1 = "W1 " + o.pairs() + " pairs";
        t.metric("w1w10_rate", w1 + ", window 10: msgs/s", Unit.RATE)
                .metric("w1w10_cpu", w1 + ", window 10: server CPU per message", Unit.MICROS)
                .metric("w1w1_p50", w1 + ", window 1: latency p50", Unit.MILLIS)
                .metric("w1w1_p99", w1 + ", window 1: latency p99", Unit.MILLIS)
                .metric("w1w1_cpu", w1 + ", window 1: server CPU per message", Unit.MICROS);
        String w2 = "W2 " + o.offline() + " to an offline device";
        t.metric("w2_store", w2 + ": store msgs/s", Unit.RATE)
                .metric("w2_store_cpu", w2 + ": server CPU per stored message", Unit.MICROS)
                .metric("w2_drain", w2 + ": drain msgs/s", Unit.RATE)
                .metric("w2_drain_cpu", w2 + ": server CPU per drained message", Unit.MICROS);
        String w5 =
                "W5 trickle, "
                        + o.trickleDevices()
                        + " devices, "
                        + o.trickleDuration().toSeconds()
                        + " s";
        t.metric("w5_rate", w5 + ": delivered msgs/s", Unit.RATE)
                .metric("w5_cpu", w5 + ": server CPU per message", Unit.MICROS)
                .metric("w5_p50", w5 + ": latency p50", Unit.MILLIS)
                .metric("w5_p99", w5 + ": latency p99", Unit.MILLIS)
                .metric("w5_rss", w5 + ": server RSS", Unit.SIZE);
        t.metric(
                "w3_rss",
                "W3 " + o.idleConnections() + " idle connections: server RSS per connection",
                Unit.SIZE);
    }

    /** Runs everything; each run's JSON fields go to {@code lines}. Returns false if any failed. */
    public boolean run(Consumer<Map<String, Object>> lines) {
        if (o.workloads().contains("W1")) {
            measure(
                    "W1",
                    Map.of("window", 10),
                    s -> pairs(10).run(s),
                    r -> Map.of("w1w10_rate", "msgs_per_s", "w1w10_cpu", "server_cpu_us_per_msg"),
                    lines);
            measure(
                    "W1",
                    Map.of("window", 1),
                    s -> pairs(1).run(s),
                    r ->
                            Map.of(
                                    "w1w1_p50", "latency_ms_p50",
                                    "w1w1_p99", "latency_ms_p99",
                                    "w1w1_cpu", "server_cpu_us_per_msg"),
                    lines);
        }
        if (o.workloads().contains("W2")) {
            var w2 = new StoreDrainWorkload.Options(o.offline(), 100, o.size(), o.timeout());
            measure(
                    "W2",
                    Map.of("messages", o.offline()),
                    s -> new StoreDrainWorkload(w2).run(s),
                    r ->
                            Map.of(
                                    "w2_store", "store_msgs_per_s",
                                    "w2_store_cpu", "store_server_cpu_us_per_msg",
                                    "w2_drain", "drain_msgs_per_s",
                                    "w2_drain_cpu", "drain_server_cpu_us_per_msg"),
                    lines);
        }
        if (o.workloads().contains("W5")) {
            var w5 =
                    new TrickleWorkload.Options(
                            o.trickleDevices(), o.trickleDuration(), o.size(), o.timeout());
            measure(
                    "W5",
                    Map.of("devices", o.trickleDevices()),
                    s -> new TrickleWorkload(w5).run(s),
                    r ->
                            Map.of(
                                    "w5_rate", "msgs_per_s",
                                    "w5_cpu", "server_cpu_us_per_msg",
                                    "w5_p50", "latency_ms_p50",
                                    "w5_p99", "latency_ms_p99"),
                    lines);
        }
        if (o.workloads().contains("W3")) {
            var w3 =
                    new IdleConnectionsWorkload.Options(
                            o.idleConnections(), Duration.ofSeconds(5), o.timeout());
            measure(
                    "W3",
                    Map.of("connections", o.idleConnections()),
                    s -> new IdleConnectionsWorkload(w3).run(s),
                    r -> Map.of("w3_rss", "server_rss_kb_per_conn"),
                    lines);
        }
        return ok;
    }

    /** The table so far, as Markdown, with what "accepted" means on each system below it. */
    public String report() {
        StringBuilder sb = new StringBuilder(table.markdown());
        sb.append('\n');
        durability.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    /** The table itself. */
    public RatioTable table() {
        return table;
    }

    private PairsWorkload pairs(int window) {
        return new PairsWorkload(
                new PairsWorkload.Options(
                        o.pairs(), o.messages(), o.messages() / 4, window, o.size(), o.timeout()));
    }

    private void measure(
            String workload,
            Map<String, Object> params,
            Run run,
            java.util.function.Function<Map<String, Object>, Map<String, String>> fields,
            Consumer<Map<String, Object>> lines) {
        for (Variant v : variants) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("workload", workload);
            line.putAll(params);
            line.put("system", v.column());
            line.put("date", Instant.now().toString());
            System.err.println(
                    "RelayLoad: running " + workload + " " + params + " on " + v.column());
            try (Messaging system = start(v)) {
                line.put("durability", system.durability());
                durability.putIfAbsent(v.column(), system.durability());
                warmUp(system);
                line.put("warmup_s", o.warmupSeconds());
                Map<String, Object> result = run.on(system);
                line.putAll(result);
                if (Boolean.FALSE.equals(result.get("completed"))) {
                    // a run that did not complete has no figures worth a ratio: its cells stay "—"
                    ok = false;
                    System.err.println(
                            "RelayLoad: " + workload + " on " + v.column() + " did not complete");
                    fields.apply(result).keySet().forEach(row -> table.put(v.column(), row, null));
                    lines.accept(line);
                    continue;
                }
                fields.apply(result)
                        .forEach((row, key) -> table.put(v.column(), row, number(result.get(key))));
                if ("W5".equals(workload)) {
                    Double mb = number(result.get("server_rss_mb"));
                    table.put(v.column(), "w5_rss", mb == null ? null : mb * 1024);
                }
            } catch (ExternalServer.MissingBinaryException e) {
                System.err.println("RelayLoad: " + e.getMessage());
                line.put("completed", false);
                line.put("failure", e.getMessage());
                ok = false;
            } catch (Exception e) {
                line.put("completed", false);
                line.put("failure", e.toString());
                e.printStackTrace();
                ok = false;
            }
            lines.accept(line);
        }
    }

    private Messaging start(Variant v) throws Exception {
        return switch (v.system()) {
            case "cipherline" ->
                    CipherlineMessaging.start(
                            o.relayJar(),
                            o.relayJvm(),
                            o.relayArgs(),
                            o.clientThreads(),
                            v.mode(),
                            o.timeout());
            case "mosquitto" -> MqttMessaging.start();
            case "nats" -> NatsMessaging.start();
            default -> throw new IllegalArgumentException("unknown system: " + v.system());
        };
    }

    /**
     * Runs online rounds (50 pairs, 200 messages each, window 10) alternating with offline rounds
     * (2,000 stored, then drained) on devices of their own for about {@code warmupSeconds}, so that
     * each server (and this generator) is past its start-up before the workload is measured.
     */
    private void warmUp(Messaging system) throws Exception {
        long end = System.nanoTime() + o.warmupSeconds() * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < end; i++) {
            Map<String, Object> round =
                    i % 2 == 0
                            ? new PairsWorkload(
                                            new PairsWorkload.Options(
                                                    50, 200, 0, 10, o.size(), o.timeout()))
                                    .run(system)
                            : new StoreDrainWorkload(
                                            new StoreDrainWorkload.Options(
                                                    2_000, 100, o.size(), o.timeout()))
                                    .run(system);
            if (Boolean.FALSE.equals(round.get("completed"))) {
                throw new java.io.IOException("the warm-up did not complete: " + round);
            }
        }
    }

    private static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }
}
