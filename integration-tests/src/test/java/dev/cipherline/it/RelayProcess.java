package dev.cipherline.it;

import dev.cipherline.bench.internal.cluster.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The real relay jar, started as a separate JVM on a loopback port. */
final class RelayProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("cipherline-relay listening on (https?://\\S+)");

    private final Process process;
    private final URI url;
    private final Path log;

    private RelayProcess(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /** Starts a relay on a free loopback port with the given data directory and extra flags. */
    static RelayProcess start(Path dataDir, String... flags) throws IOException {
        return start(dataDir, 0, flags);
    }

    /** Starts a relay on the given loopback port (0 picks a free one). */
    static RelayProcess start(Path dataDir, int port, String... flags) throws IOException {
        return start(dataDir, port, List.of(), flags);
    }

    /** Starts a relay with extra JVM options (system properties) before {@code -jar}. */
    static RelayProcess start(Path dataDir, int port, List<String> jvmOptions, String... flags)
            throws IOException {
        Path jar = Path.of(System.getProperty("cipherline.relayJar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("relay jar not built: " + jar + " (run mvn verify)");
        }
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--listen");
        command.add("127.0.0.1:" + port);
        // a free port: several relays run at once in these tests
        command.add("--admin-listen");
        command.add("127.0.0.1:0");
        command.add("--data");
        command.add(dataDir.toString());
        command.addAll(List.of(flags));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-relay.log");
        ChildJvm.Started started = ChildJvm.start(command, log, LISTENING);
        return new RelayProcess(started.process(), URI.create(started.ready()), log);
    }

    URI url() {
        return url;
    }

    int port() {
        return url.getPort();
    }

    /** Kills the relay with SIGKILL, as a crash would, and waits for it to be gone. */
    void kill() throws InterruptedException {
        ChildJvm.kill(process);
    }

    /** Stops the relay with SIGTERM and returns its exit code. */
    int stop() throws InterruptedException {
        return ChildJvm.stop(process, "relay");
    }

    /** Sends SIGHUP, as {@code systemctl reload} does: the relay reloads its config file. */
    void hangUp() throws IOException, InterruptedException {
        Process kill =
                new ProcessBuilder("kill", "-HUP", Long.toString(process.pid()))
                        .inheritIO()
                        .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -HUP " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
