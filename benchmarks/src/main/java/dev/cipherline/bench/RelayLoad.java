package dev.cipherline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.bench.internal.cluster.ClusterBench;
import dev.cipherline.bench.internal.compare.CipherlineMessaging.ClientMode;
import dev.cipherline.bench.internal.compare.CompareSuite;
import dev.cipherline.bench.internal.relay.AppWorkload;
import dev.cipherline.bench.internal.relay.ClientGroup;
import dev.cipherline.bench.internal.relay.FanOutWorkload;
import dev.cipherline.bench.internal.relay.FaultWorkload;
import dev.cipherline.bench.internal.relay.IdleWorkload;
import dev.cipherline.bench.internal.relay.OfflineWorkload;
import dev.cipherline.bench.internal.relay.OnlineWorkload;
import dev.cipherline.bench.internal.relay.RelayProcess;
import dev.cipherline.bench.internal.relay.WarmUp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The relay load generator: {@code java -jar benchmarks/target/cipherline-bench.jar WORKLOAD
 * [options]}. Each workload starts its own relay process (fresh data directory, default
 * durability), drives it over loopback WebSockets and prints one JSON line on stdout. Progress and
 * failures go to stderr. Exit code 0 if every workload completed (and the fault check passed), 1
 * otherwise, 2 for bad arguments.
 */
public final class RelayLoad {
    static final String USAGE =
            """
            Usage: RelayLoad WORKLOAD... [options]

            Workloads (each prints one JSON line):
              W1     online pairs: --pairs K (100) --messages N (200) --window W (10)
              W2     offline store then drain: --messages N (10000) --window W (100)
              W3     idle connections: --connections C (10000)
              W4     group fan-out: --recipients N (1000) --repeat R (5)
              FAULT  W1 while the relay is SIGKILLed and restarted once; checks that every
                     accepted envelope is delivered and none is stored twice:
                     --pairs K (100) --messages N (200) --window W (10)
              CLUSTER
                     a relay cluster on this machine (a Kafka broker, a mongo-java-server
                     process, two relay nodes with --store mongodb --bus kafka) beside a single
                     SQLite relay: W1 on the SQLite relay, W1 on one cluster node, W1 from node 1
                     to node 2, W2 on the MongoDB store (four lines):
                     --pairs K (1000) --messages N (200) --window W (10), W2 --offline N (10000)
              APP    two SDK clients in this process, send to onMessage through the relay:
                     --messages N (500) one at a time (latency percentiles), then N at once,
                     --repeat R (3) times (medians, and each burst); a warm-up of
                     --warmup-messages W (1000) one at a time and W at once runs first
              W5     the trickle: --devices N (5000) connected devices, each sending one
                     message to another at random every 1-2 s for --duration S (60) seconds;
                     without --compare, on Cipherline only (sdk-like client)
              all    W1 K=100, W1 K=1000, W1 K=100 window 1, W2, W3, W4, FAULT (not APP)

            Side by side (--compare): Cipherline, Mosquitto (MQTT 3.1.1 over WebSocket, QoS 1,
            in memory) and NATS JetStream (file storage), each server fresh per workload and
            warmed up first; one JSON line per run, then one Markdown table with the ratios
            Cipherline / other. Needs the Debian packages mosquitto and nats-server.
              all --compare         W1 --pairs K (100) window 10 and window 1 with --messages N
                                    (200) per sender, W2 with --offline N (30000), W5, W3 with
                                    --connections C (5000)
              W1|W2|W3|W5 --compare only those
              --systems LIST        comma-separated: cipherline,mosquitto,nats (all three)
              --modes LIST          Cipherline client modes: sdk-like,lean (both); sdk-like
                                    writes and flushes one frame per send and acks per socket
                                    read, as the SDK does; lean batches the writes of a read
              The relay runs with --rate-limit 1000000/s:1000000 here (unless --relay-arg
              gives another), so that W2's backlog is not refused past the default burst.

            Options:
              --size B              envelope bytes (256)
              --relay-jar PATH      default relay-server/target/cipherline-relay.jar
              --relay-jvm OPT       a JVM option for the relay process (repeatable)
              --relay-arg ARG       an argument for the relay process (repeatable), e.g.
                                    --relay-arg --rate-limit --relay-arg 100000/s:100000 for a W2
                                    backlog beyond the default per-device burst of 10,000
              --client-threads N    load generator event loops (2)
              --timeout SECONDS     bound on each phase of a workload (300)
              --warmup-seconds S    online and offline traffic (other devices) run through each
                                    fresh relay before its workload is measured, so that the
                                    figures are of a warmed-up JVM (20; 0 for none; 2 if --quick)
              --quick               small counts, for a smoke run in seconds
            """;

    private RelayLoad() {}

    public static void main(String[] args) throws Exception {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("RelayLoad: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (a.help) {
            System.out.print(USAGE);
            return;
        }
        boolean ok = true;
        if (a.compareSuite() != null) {
            ok &= compare(a);
        }
        for (Run run : a.runs()) {
            ok &= execute(a, run);
        }
        if (a.cluster) {
            ok &= cluster(a);
        }
        System.exit(ok ? 0 : 1);
    }

    private static boolean cluster(Args a) {
        System.err.println("RelayLoad: running CLUSTER");
        boolean[] ok = {true};
        try {
            new ClusterBench(
                            new ClusterBench.Options(
                                    a.or(a.pairs, 1000, 20),
                                    a.or(a.messages, 200, 20),
                                    a.or(a.window, 10, 10),
                                    a.or(a.offline, 10_000, 500),
                                    a.size,
                                    a.warmupSeconds(),
                                    a.timeout,
                                    a.relayJar,
                                    a.relayJvm,
                                    a.clientThreads))
                    .run(
                            line -> {
                                ok[0] &= !Boolean.FALSE.equals(line.get("completed"));
                                print(line);
                            });
        } catch (Exception e) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("workload", "CLUSTER");
            line.put("completed", false);
            line.put("failure", e.toString());
            e.printStackTrace();
            print(line);
            return false;
        }
        return ok[0];
    }

    private static boolean compare(Args a) {
        CompareSuite suite = new CompareSuite(a.compareSuite());
        boolean ok = suite.run(RelayLoad::print);
        System.out.println();
        System.out.print(suite.report());
        System.out.flush();
        return ok;
    }

    private static void print(Map<String, Object> line) {
        try {
            System.out.println(new ObjectMapper().writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        System.out.flush();
    }

    /** One workload with its options. */
    private record Run(String name, Map<String, Object> params, Workload workload) {}

    @FunctionalInterface
    private interface Workload {
        Map<String, Object> run(RelayProcess relay, ClientGroup clients) throws Exception;
    }

    private static boolean execute(Args a, Run run) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("workload", run.name());
        line.put("date", Instant.now().toString());
        line.put("durability", "sqlite WAL synchronous=FULL, group commit");
        line.put("quick", a.quick);
        boolean ok;
        System.err.println("RelayLoad: running " + run.name() + " " + run.params());
        try (RelayProcess relay = RelayProcess.start(a.relayJar, a.relayJvm, a.relayArgs);
                ClientGroup clients = new ClientGroup(relay.url(), a.clientThreads)) {
            int warmup = a.warmupSeconds();
            line.put("relay_warmup_s", warmup);
            WarmUp.run(relay, clients, warmup, a.size, a.timeout);
            line.putAll(run.workload().run(relay, clients));
            ok =
                    !Boolean.FALSE.equals(line.get("completed"))
                            && !Boolean.FALSE.equals(line.get("passed"));
        } catch (Exception e) {
            line.put("completed", false);
            line.put("failure", e.toString());
            e.printStackTrace();
            ok = false;
        }
        print(line);
        return ok;
    }

    /** The command line. */
    private static final class Args {
        final List<String> workloads = new ArrayList<>();
        Integer pairs;
        Integer messages;
        Integer window;
        Integer connections;
        Integer recipients;
        Integer repeat;
        Integer warmupMessages;
        Integer offline;
        Integer devices;
        Integer duration;
        boolean cluster;
        boolean compare;
        Set<String> systems = new LinkedHashSet<>(CompareSuite.SYSTEMS);
        List<ClientMode> modes = List.of(ClientMode.SDK_LIKE, ClientMode.LEAN);
        int size = 256;
        Integer warmupSeconds;
        Path relayJar = Path.of("relay-server/target/cipherline-relay.jar");
        final List<String> relayJvm = new ArrayList<>();
        final List<String> relayArgs = new ArrayList<>();
        int clientThreads = 2;
        Duration timeout = Duration.ofSeconds(300);
        boolean quick;
        boolean help;

        static Args parse(String[] args) {
            Args a = new Args();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "W1", "W2", "W3", "W4", "W5", "FAULT", "APP", "all" ->
                            a.workloads.add(arg);
                    case "--compare" -> a.compare = true;
                    case "--systems" -> a.systems = systems(value(args, ++i, arg));
                    case "--modes" -> a.modes = modes(value(args, ++i, arg));
                    case "--devices" -> a.devices = atLeast(2, args, ++i, arg, "at least 2");
                    case "--duration" -> a.duration = positive(args, ++i, arg);
                    case "CLUSTER" -> a.cluster = true;
                    case "--offline" -> a.offline = positive(args, ++i, arg);
                    case "--pairs" -> a.pairs = positive(args, ++i, arg);
                    case "--messages" -> a.messages = positive(args, ++i, arg);
                    case "--window" -> a.window = positive(args, ++i, arg);
                    case "--connections" -> a.connections = positive(args, ++i, arg);
                    case "--recipients" -> a.recipients = positive(args, ++i, arg);
                    case "--repeat" -> a.repeat = positive(args, ++i, arg);
                    case "--warmup-messages" -> a.warmupMessages = natural(args, ++i, arg);
                    case "--size" -> a.size = positive(args, ++i, arg);
                    case "--client-threads" -> a.clientThreads = positive(args, ++i, arg);
                    case "--timeout" -> a.timeout = Duration.ofSeconds(positive(args, ++i, arg));
                    case "--relay-jar" -> a.relayJar = Path.of(value(args, ++i, arg));
                    case "--relay-jvm" -> a.relayJvm.add(value(args, ++i, arg));
                    case "--relay-arg" -> a.relayArgs.add(value(args, ++i, arg));
                    case "--warmup-seconds" -> a.warmupSeconds = natural(args, ++i, arg);
                    case "--quick" -> a.quick = true;
                    case "--help", "-h" -> a.help = true;
                    default -> throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
            if (a.workloads.isEmpty() && !a.cluster && !a.help) {
                throw new IllegalArgumentException("name at least one workload");
            }
            if (a.size < 16) {
                throw new IllegalArgumentException("--size must be at least 16");
            }
            if (a.compare) {
                for (String w : a.workloads) {
                    if (!w.equals("all") && !CompareSuite.WORKLOADS.contains(w)) {
                        throw new IllegalArgumentException(
                                w + " has no --compare form; use W1, W2, W3, W5 or all");
                    }
                }
            }
            return a;
        }

        private static Set<String> systems(String list) {
            Set<String> out = new LinkedHashSet<>();
            for (String s : list.split(",")) {
                String name = s.trim().toLowerCase(java.util.Locale.ROOT);
                if (!CompareSuite.SYSTEMS.contains(name)) {
                    throw new IllegalArgumentException(
                            "--systems: unknown system '" + s + "' (cipherline, mosquitto, nats)");
                }
                out.add(name);
            }
            return out;
        }

        private static List<ClientMode> modes(String list) {
            List<ClientMode> out = new ArrayList<>();
            for (String s : list.split(",")) {
                ClientMode mode = null;
                for (ClientMode m : ClientMode.values()) {
                    if (m.label().equals(s.trim())) {
                        mode = m;
                    }
                }
                if (mode == null) {
                    throw new IllegalArgumentException(
                            "--modes: unknown mode '" + s + "' (sdk-like, lean)");
                }
                if (!out.contains(mode)) {
                    out.add(mode);
                }
            }
            return out;
        }

        /** The side-by-side suite to run, or null if none was asked for. */
        CompareSuite.Options compareSuite() {
            Set<String> chosen = new LinkedHashSet<>();
            Set<String> systemsNow = systems;
            List<ClientMode> modesNow = modes;
            if (compare) {
                for (String w : workloads) {
                    if (w.equals("all")) {
                        chosen.addAll(CompareSuite.WORKLOADS);
                    } else {
                        chosen.add(w);
                    }
                }
            } else if (workloads.contains("W5")) {
                chosen.add("W5");
                systemsNow = Set.of("cipherline");
                modesNow = List.of(ClientMode.SDK_LIKE);
            }
            if (chosen.isEmpty()) {
                return null;
            }
            return new CompareSuite.Options(
                    chosen,
                    systemsNow,
                    modesNow,
                    or(pairs, 100, 10),
                    or(messages, 200, 20),
                    or(offline, 30_000, 1_000),
                    or(devices, 5_000, 50),
                    Duration.ofSeconds(or(duration, 60, 5)),
                    or(connections, 5_000, 100),
                    size,
                    warmupSeconds(),
                    timeout,
                    relayJar,
                    relayJvm,
                    relayArgs,
                    clientThreads);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String[] args, int i, String option) {
            return atLeast(1, args, i, option, "a positive integer");
        }

        private static int natural(String[] args, int i, String option) {
            return atLeast(0, args, i, option, "0 or a positive integer");
        }

        private static int atLeast(int min, String[] args, int i, String option, String what) {
            try {
                int v = Integer.parseInt(value(args, i, option));
                if (v < min) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be " + what);
            }
        }

        int warmupSeconds() {
            return or(warmupSeconds, 20, 2);
        }

        int or(Integer given, int full, int quickValue) {
            return given != null ? given : quick ? quickValue : full;
        }

        List<Run> runs() {
            List<Run> runs = new ArrayList<>();
            if (compare) {
                return runs;
            }
            for (String w : workloads) {
                switch (w) {
                    case "W1" -> runs.add(w1(or(pairs, 100, 10), or(window, 10, 10)));
                    case "W2" -> runs.add(w2());
                    case "W3" -> runs.add(w3());
                    case "W4" -> runs.add(w4());
                    case "FAULT" -> runs.add(fault());
                    case "APP" -> runs.add(app());
                    case "W5" -> {} // run by the side-by-side suite, Cipherline only
                    default -> {
                        runs.add(w1(quick ? 10 : 100, 10));
                        runs.add(w1(quick ? 50 : 1000, 10));
                        runs.add(w1(quick ? 10 : 100, 1));
                        runs.add(w2());
                        runs.add(w3());
                        runs.add(w4());
                        runs.add(fault());
                    }
                }
            }
            return runs;
        }

        private Run w1(int k, int w) {
            var o =
                    new OnlineWorkload.Options(
                            k, or(messages, 200, 20), quick ? 5 : 20, w, size, timeout);
            return new Run("W1", Map.of("pairs", k, "window", w), new OnlineWorkload(o)::run);
        }

        private Run w2() {
            var o =
                    new OfflineWorkload.Options(
                            or(messages, 10_000, 1_000), or(window, 100, 100), size, timeout);
            return new Run("W2", Map.of("messages", o.messages()), new OfflineWorkload(o)::run);
        }

        private Run w3() {
            var o =
                    new IdleWorkload.Options(
                            or(connections, 10_000, 200),
                            Duration.ofSeconds(quick ? 1 : 5),
                            timeout);
            return new Run("W3", Map.of("connections", o.connections()), new IdleWorkload(o)::run);
        }

        private Run app() {
            var o =
                    new AppWorkload.Options(
                            or(messages, 500, 20),
                            warmupMessages != null ? warmupMessages : quick ? 20 : 1_000,
                            timeout,
                            or(repeat, 3, 1));
            return new Run("APP", Map.of("messages", o.messages()), new AppWorkload(o)::run);
        }

        private Run fault() {
            var o =
                    new FaultWorkload.Options(
                            or(pairs, 100, 10),
                            or(messages, 200, 60),
                            or(window, 10, 10),
                            size,
                            timeout);
            return new Run(
                    "FAULT",
                    Map.of("pairs", o.pairs(), "messages", o.messages(), "window", o.window()),
                    new FaultWorkload(o)::run);
        }

        private Run w4() {
            var o =
                    new FanOutWorkload.Options(
                            or(recipients, 1000, 100), or(repeat, 5, 2), size, timeout);
            return new Run("W4", Map.of("recipients", o.recipients()), new FanOutWorkload(o)::run);
        }
    }
}
