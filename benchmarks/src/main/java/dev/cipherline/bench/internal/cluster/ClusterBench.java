package dev.cipherline.bench.internal.cluster;

import dev.cipherline.bench.internal.TempDirs;
import dev.cipherline.bench.internal.relay.ClientGroup;
import dev.cipherline.bench.internal.relay.OfflineWorkload;
import dev.cipherline.bench.internal.relay.OnlineWorkload;
import dev.cipherline.bench.internal.relay.RelayProcess;
import dev.cipherline.bench.internal.relay.WarmUp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The CLUSTER workload: a relay cluster on this machine (a real single-node Kafka broker, a
 * mongo-java-server process as the shared store, two relay nodes with {@code --store mongodb --bus
 * kafka}) and, in the same run, a single relay on its embedded SQLite store. Four figures, each a
 * JSON line: W1 on the single SQLite relay, W1 with senders and receivers on node 1, W1 with the
 * senders on node 1 and the receivers on node 2 (every delivery crosses Kafka), and W2 on node 1.
 *
 * <p>mongo-java-server is an in-memory test server: its speed says nothing about MongoDB's, so
 * these figures show what the relay costs in cluster mode, not what a cluster carries. The CPU of
 * the store and broker processes is reported beside the relays'.
 */
public final class ClusterBench {
    /**
     * What to run.
     *
     * @param offlineMessages the W2 backlog
     */
    public record Options(
            int pairs,
            int messages,
            int window,
            int offlineMessages,
            int size,
            int warmupSeconds,
            Duration timeout,
            Path relayJar,
            List<String> relayJvm,
            int clientThreads) {}

    private final Options o;

    public ClusterBench(Options options) {
        this.o = options;
    }

    /** Runs everything, handing each JSON line's fields to {@code out} as it is measured. */
    public void run(Consumer<Map<String, Object>> out) throws Exception {
        Path work = Files.createTempDirectory("cipherline-cluster-bench-");
        try {
            runSingleNode(out);
            try (KafkaBroker kafka = KafkaBroker.start(work.resolve("kafka"));
                    MongoProcess mongo = MongoProcess.start(work.resolve("mongo.log"));
                    RelayProcess node1 = startNode(kafka, mongo, "bench-1");
                    RelayProcess node2 = startNode(kafka, mongo, "bench-2");
                    ClientGroup c1 = new ClientGroup(node1.url(), o.clientThreads());
                    ClientGroup c2 = new ClientGroup(node2.url(), o.clientThreads())) {
                WarmUp.run(node1, c1, o.warmupSeconds(), o.size(), o.timeout());
                WarmUp.run(node2, c2, o.warmupSeconds(), o.size(), o.timeout());
                // the cross-node path (the Kafka producer and consumer) is warmed up too
                online(50, 200).run(node1, c1, node2, c2);

                Map<String, Object> same =
                        measured(
                                "W1-cluster-same-node",
                                kafka,
                                mongo,
                                () -> online(o.pairs(), o.messages()).run(node1, c1));
                out.accept(same);
                Map<String, Object> cross =
                        measured(
                                "W1-cluster-cross-node",
                                kafka,
                                mongo,
                                () -> online(o.pairs(), o.messages()).run(node1, c1, node2, c2));
                out.accept(cross);
                out.accept(
                        measured(
                                "W2-mongodb",
                                kafka,
                                mongo,
                                () ->
                                        new OfflineWorkload(
                                                        new OfflineWorkload.Options(
                                                                o.offlineMessages(),
                                                                100,
                                                                o.size(),
                                                                o.timeout()))
                                                .run(node1, c1)));
            }
        } finally {
            TempDirs.delete(work);
        }
    }

    private void runSingleNode(Consumer<Map<String, Object>> out) throws Exception {
        try (RelayProcess relay = RelayProcess.start(o.relayJar(), o.relayJvm(), List.of());
                ClientGroup clients = new ClientGroup(relay.url(), o.clientThreads())) {
            WarmUp.run(relay, clients, o.warmupSeconds(), o.size(), o.timeout());
            Map<String, Object> line = header("W1-sqlite", "sqlite WAL synchronous=FULL");
            line.putAll(online(o.pairs(), o.messages()).run(relay, clients));
            out.accept(line);
        }
    }

    private RelayProcess startNode(KafkaBroker kafka, MongoProcess mongo, String nodeId)
            throws IOException, InterruptedException {
        return RelayProcess.start(o.relayJar(), o.relayJvm(), nodeFlags(kafka, mongo, nodeId));
    }

    /** The flags of a relay node of the cluster that {@code kafka} and {@code mongo} serve. */
    public static List<String> nodeFlags(KafkaBroker kafka, MongoProcess mongo, String nodeId) {
        return List.of(
                "--store",
                "mongodb",
                "--mongo-uri",
                mongo.uri().toString(),
                "--bus",
                "kafka",
                "--kafka-bootstrap",
                kafka.bootstrap(),
                "--node-id",
                nodeId);
    }

    private OnlineWorkload online(int pairs, int messages) {
        return new OnlineWorkload(
                new OnlineWorkload.Options(pairs, messages, 20, o.window(), o.size(), o.timeout()));
    }

    @FunctionalInterface
    private interface Workload {
        Map<String, Object> run() throws Exception;
    }

    /** Runs a workload and adds the store's and the broker's CPU time per message to its line. */
    private Map<String, Object> measured(
            String name, KafkaBroker kafka, MongoProcess mongo, Workload workload)
            throws Exception {
        Map<String, Object> line =
                header(name, "mongo-java-server (in memory, write concern not checked)");
        long mongo0 = RelayProcess.cpuNanos(mongo.pid());
        long kafka0 = RelayProcess.cpuNanos(kafka.pid());
        Map<String, Object> result = workload.run();
        long mongoCpu = RelayProcess.cpuNanos(mongo.pid()) - mongo0;
        long kafkaCpu = RelayProcess.cpuNanos(kafka.pid()) - kafka0;
        line.putAll(result);
        // W1 counts what was delivered; W2 stores and drains the same messages
        if (result.get("delivered") instanceof Number n && n.longValue() > 0) {
            line.put("store_cpu_us_per_msg", Math.round(mongoCpu / 1e2 / n.longValue()) / 10.0);
            line.put("kafka_cpu_us_per_msg", Math.round(kafkaCpu / 1e2 / n.longValue()) / 10.0);
        }
        return line;
    }

    private static Map<String, Object> header(String name, String durability) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("workload", name);
        line.put("date", java.time.Instant.now().toString());
        line.put("durability", durability);
        return line;
    }
}
