package dev.cipherline.it;

import dev.cipherline.bench.internal.cluster.ChildJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real `cipherline` CLI jar as a separate process, as a user's shell would. */
final class Cli {
    /** What one CLI run printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> lines() {
            return stdout.isBlank() ? List.of() : List.of(stdout.strip().split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private final Path home;
    private final String passphrase;

    /** The CLI for {@code home}, with no passphrase in the environment. */
    Cli(Path home) {
        this(home, null);
    }

    /** The CLI for {@code home}, with {@code CIPHERLINE_PASSPHRASE} set to {@code passphrase}. */
    Cli(Path home, String passphrase) {
        this.home = home;
        this.passphrase = passphrase;
    }

    Result run(String... args) throws IOException, InterruptedException {
        return runWithStdin(null, args);
    }

    /** Runs {@code cipherline --home HOME args...}, feeding {@code stdin} when it is not null. */
    Result runWithStdin(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.add("-Xmx256m");
        command.add("-jar");
        command.add(jar().toString());
        command.add("--home");
        command.add(home.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (passphrase != null) {
            builder.environment().put("CIPHERLINE_PASSPHRASE", passphrase);
        }
        return exec(builder, stdin, Duration.ofMinutes(2));
    }

    /** Runs the CLI with no --home flag and the given CIPHERLINE_HOME. */
    Result runWithEnvHome(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CIPHERLINE_HOME", home.toString());
        if (passphrase != null) {
            builder.environment().put("CIPHERLINE_PASSPHRASE", passphrase);
        }
        return exec(builder, null, Duration.ofMinutes(2));
    }

    private static Result exec(ProcessBuilder builder, String stdin, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        try {
            Process process =
                    builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "CLI did not finish within " + timeout + ": " + builder.command());
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("cipherline.cliJar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("CLI jar not built: " + jar + " (run mvn verify)");
        }
        return jar;
    }
}
