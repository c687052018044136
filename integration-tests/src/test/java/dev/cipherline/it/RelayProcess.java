package dev.cipherline.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real relay jar, started as a separate JVM on a loopback port. */
final class RelayProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("cipherline-relay listening on (http://\\S+)");

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
        Path jar = Path.of(System.getProperty("cipherline.relayJar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("relay jar not built: " + jar + " (run mvn verify)");
        }
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar.toString());
        command.add("--listen");
        command.add("127.0.0.1:" + port);
        command.add("--data");
        command.add(dataDir.toString());
        command.addAll(List.of(flags));
        Files.createDirectories(dataDir.getParent());
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-relay.log");
        Process process =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(1);
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = in.readLine()) != null) {
                                    Matcher m = LISTENING.matcher(line);
                                    if (m.find()) {
                                        lines.offer(m.group(1));
                                    }
                                }
                            } catch (IOException ignored) {
                                // the process ended; start() reports the missing line
                            }
                        },
                        "relay-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String url = lines.poll(60, TimeUnit.SECONDS);
            if (url == null) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "relay did not report its URL; log:\n" + Files.readString(log));
            }
            return new RelayProcess(process, URI.create(url), log);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the relay", e);
        }
    }

    URI url() {
        return url;
    }

    int port() {
        return url.getPort();
    }

    /** Kills the relay with SIGKILL, as a crash would, and waits for it to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the relay with SIGTERM and returns its exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("relay did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
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
