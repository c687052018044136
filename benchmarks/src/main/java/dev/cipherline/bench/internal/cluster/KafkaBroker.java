package dev.cipherline.bench.internal.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) started as a
 * separate JVM from the Maven Central jars on this test's class path, on two free loopback ports.
 * {@link #stop} and {@link #restart} keep the ports and the log directory, so clients reconnect to
 * the same cluster with the same topics.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    // the admin client that waits for the broker logs every failed attempt; JUL holds loggers
    // weakly
    private static final Logger KAFKA_LOGS = Logger.getLogger("org.apache.kafka");

    static {
        KAFKA_LOGS.setLevel(Level.SEVERE);
    }

    private final Path dir;
    private final Path properties;
    private final int port;
    private Process process;

    private KafkaBroker(Path dir, Path properties, int port) {
        this.dir = dir;
        this.properties = properties;
        this.port = port;
    }

    /** Formats a new cluster in {@code dir} and starts its broker; returns once it answers. */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        Path properties = dir.resolve("server.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                        "listeners=PLAINTEXT://127.0.0.1:"
                                + port
                                + ",CONTROLLER://127.0.0.1:"
                                + controllerPort,
                        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                        "controller.listener.names=CONTROLLER",
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "log.dirs=" + dir.resolve("logs"),
                        "num.partitions=1",
                        "auto.create.topics.enable=false",
                        "offsets.topic.replication.factor=1",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        "min.insync.replicas=1",
                        "group.initial.rebalance.delay.ms=0",
                        ""));
        KafkaBroker broker = new KafkaBroker(dir, properties, port);
        // what `kafka.tools.StorageTool random-uuid` prints, without a JVM start
        String clusterId = Uuid.randomUuid().toString();
        broker.runTool(
                "format",
                "kafka.tools.StorageTool",
                "format",
                "-t",
                clusterId,
                "-c",
                properties.toString());
        broker.restart();
        return broker;
    }

    /** {@code host:port} for clients. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker again after {@link #stop} or {@link #kill}; returns once it answers. */
    public void restart() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running");
        }
        process =
                new ProcessBuilder(command("kafka.Kafka", properties.toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log("broker").toFile()))
                        .start();
        awaitAnswer();
    }

    /** The broker's process ID (of its current process). */
    public long pid() {
        return process.pid();
    }

    /** Stops the broker with SIGTERM (a clean shutdown) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Kills the broker at once (SIGKILL). */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void awaitAnswer() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap(),
                                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                                200))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "Kafka broker exited with "
                                    + process.exitValue()
                                    + "; see "
                                    + log("broker"));
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(1_000))
                            .nodes()
                            .get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Kafka broker did not answer; see " + log("broker"), e);
                    }
                }
            }
        }
    }

    private void runTool(String name, String... mainAndArgs)
            throws IOException, InterruptedException {
        Path log = log(name);
        Process tool =
                new ProcessBuilder(command(mainAndArgs))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
            tool.destroyForcibly();
            throw new IllegalStateException(
                    "kafka " + name + " failed: " + Files.readString(log).strip());
        }
    }

    private List<String> command(String... mainAndArgs) {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.add("-Xmx512m");
        command.add("-cp");
        // Surefire and Failsafe set java.class.path to the test class path, Kafka's jars included
        command.add(System.getProperty("java.class.path"));
        command.addAll(List.of(mainAndArgs));
        return command;
    }

    private Path log(String name) {
        return dir.resolve("kafka-" + name + ".log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
