package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.TempDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server binary from a Debian package (mosquitto, nats-server), started by the benchmark with a
 * config file it wrote into a fresh temporary folder, on loopback ports it picked. It is stopped by
 * its PID in {@link #close()} and, should this JVM exit first, by a shutdown hook, so that no
 * server outlives a run.
 */
public final class ExternalServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final List<Path> BIN_DIRS =
            List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/usr/local/sbin"));

    private final String name;
    private final Process process;
    private final Path workDir;
    private final Thread hook;

    private ExternalServer(String name, Process process, Path workDir) {
        this.name = name;
        this.process = process;
        this.workDir = workDir;
        this.hook = new Thread(process::destroyForcibly, name + "-stopper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Finds {@code binary} on {@code PATH} or in the system's bin folders.
     *
     * @throws MissingBinaryException naming the Debian package to install if it is not there
     */
    public static Path find(String binary, String debianPackage) throws MissingBinaryException {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(BIN_DIRS);
        for (Path d : dirs) {
            Path p = d.resolve(binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new MissingBinaryException(
                binary
                        + " is not installed; install the Debian package with: apt-get install -y "
                        + debianPackage);
    }

    /** A loopback TCP port that was free a moment ago. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Writes {@code config} to {@code workDir/configName}, starts {@code command} (which names that
     * file) with its output in {@code workDir}, and waits until {@code port} accepts connections.
     *
     * @throws IOException if the server exits or does not listen within 30 s
     */
    public static ExternalServer start(
            String name,
            Path workDir,
            String configName,
            String config,
            List<String> command,
            int port)
            throws IOException, InterruptedException {
        Files.writeString(workDir.resolve(configName), config);
        Path log = workDir.resolve(name + ".log");
        Process process =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        ExternalServer server = new ExternalServer(name, process, workDir);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String out = Files.exists(log) ? Files.readString(log).strip() : "";
                server.close();
                throw new IOException(
                        name
                                + " did not listen on 127.0.0.1:"
                                + port
                                + " within "
                                + START_TIMEOUT.toSeconds()
                                + " s"
                                + (out.isEmpty() ? "" : "; it said: " + last(out, 600)));
            }
            Thread.sleep(20);
        }
        return server;
    }

    private static String last(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The server's process ID. */
    public long pid() {
        return process.pid();
    }

    /** Stops the server with SIGTERM (SIGKILL after 10 s) and deletes its folder. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs anyway
            }
            if (System.getProperty("cipherline.bench.keep") == null) {
                TempDirs.delete(workDir);
            }
        }
    }

    /** A server binary is not installed. */
    public static final class MissingBinaryException extends IOException {
        private static final long serialVersionUID = 1L;

        MissingBinaryException(String message) {
            super(message);
        }
    }
}
