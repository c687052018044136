package dev.cipherline.android;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real relay, {@code relay-server/target/cipherline-relay.jar}, started as a separate JVM on a
 * loopback port, as the integration tests do. The jar is built by the reactor before this module
 * ({@code ./mvnw -B verify}).
 */
final class RelayProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("cipherline-relay listening on (https?://\\S+)");

    private final Process process;
    private final URI url;

    private RelayProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** Starts a relay with its data in {@code dataDir} on {@code port} (0: a free one). */
    static RelayProcess start(Path dataDir, int port) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("cipherline.relayJar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "relay jar not built: " + jar + " (run ./mvnw -B verify from the root)");
        }
        Files.createDirectories(dataDir);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-relay.log");
        Process process =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "-Xmx256m",
                                        "-jar",
                                        jar.toString(),
                                        "--listen",
                                        "127.0.0.1:" + port,
                                        "--admin-listen",
                                        "127.0.0.1:0",
                                        "--data",
                                        dataDir.toString()))
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        BlockingQueue<String> ready = new ArrayBlockingQueue<>(1);
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
                                        ready.offer(m.group(1));
                                    }
                                }
                            } catch (IOException ignored) {
                                // the relay ended; start() reports it if it was not ready yet
                            }
                        },
                        "relay-stdout");
        reader.setDaemon(true);
        reader.start();
        String url = ready.poll(60, TimeUnit.SECONDS);
        if (url == null) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "the relay did not start; log:\n" + Files.readString(log));
        }
        return new RelayProcess(process, URI.create(url));
    }

    URI url() {
        return url;
    }

    int port() {
        return url.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
