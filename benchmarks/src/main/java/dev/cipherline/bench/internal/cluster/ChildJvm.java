package dev.cipherline.bench.internal.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

/**
 * Starts a program in a JVM of its own and waits for the line on its stdout that says it is ready
 * (a relay's or a server's "listening on ..."). Its stderr goes to a log file.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** A started process and the first group of its ready line. */
    public record Started(Process process, String ready) {}

    /** The {@code java} of the JVM that runs this code. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The command that runs {@code mainClass} on this JVM's class path. */
    public static List<String> onThisClassPath(String heap, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add(heap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs {@code command} and waits up to a minute for a stdout line matching {@code ready}.
     *
     * @throws IllegalStateException with the log if it did not get ready
     */
    public static Started start(List<String> command, Path log, Pattern ready) throws IOException {
        Files.createDirectories(log.getParent());
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
                                    Matcher m = ready.matcher(line);
                                    if (m.find()) {
                                        lines.offer(m.group(1));
                                    }
                                }
                            } catch (IOException ignored) {
                                // the process ended; start() reports the missing line
                            }
                        },
                        "child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        command.get(command.size() - 1)
                                + " did not get ready; log:\n"
                                + (Files.exists(log) ? Files.readString(log) : "(none)"));
            }
            return new Started(process, line);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting a process", e);
        }
    }

    /** Stops the process with SIGTERM and returns its exit code. */
    public static int stop(Process process, String what) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Kills the process with SIGKILL, as a crash would, and waits for it to be gone. */
    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
