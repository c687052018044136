package dev.cipherline.it;

import dev.cipherline.bench.internal.cluster.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private tmux server (its own socket, no user configuration) whose sessions are real terminals:
 * {@link #type} and {@link #press} send keys as a user would, {@link #screen} reads what is shown,
 * and {@link #awaitScreen} polls the screen until it shows what a test expects or a deadline
 * passes.
 */
final class Tmux implements AutoCloseable {
    private final String socket = "cipherline-it-" + UUID.randomUUID();

    /** Whether a tmux binary can be run here. */
    static boolean available() {
        try {
            Process process = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts a detached session {@code name} of {@code columns}x{@code rows} running {@code
     * command} in a UTF-8 locale. When the command ends, the session prints {@code [exited N]} and
     * stays, so that its last screen can still be read.
     */
    void start(String name, int columns, int rows, List<String> command) throws Exception {
        StringBuilder shell = new StringBuilder("LANG=C.UTF-8 LC_ALL=C.UTF-8");
        for (String word : command) {
            shell.append(' ').append(quote(word));
        }
        shell.append("; echo \"[exited $?]\"; sleep 600");
        tmux(
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                String.valueOf(columns),
                "-y",
                String.valueOf(rows),
                shell.toString());
    }

    /** Types {@code text} literally into session {@code name}, without pressing Enter. */
    void type(String name, String text) throws Exception {
        tmux("send-keys", "-t", name, "-l", text);
    }

    /** Presses one key (tmux key name: {@code Enter}, {@code C-u}…) in session {@code name}. */
    void press(String name, String key) throws Exception {
        tmux("send-keys", "-t", name, key);
    }

    /** Returns what session {@code name} shows now, one string per row. */
    String screen(String name) throws Exception {
        return tmux("capture-pane", "-p", "-t", name);
    }

    /**
     * Polls the screen of session {@code name} until {@code expected} holds and returns that
     * screen.
     *
     * @throws AssertionError with the last screen when {@code timeout} passes first
     */
    String awaitScreen(String name, String what, Predicate<String> expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen = screen(name);
        while (!expected.test(screen)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        name
                                + "'s screen did not show "
                                + what
                                + " within "
                                + timeout
                                + ":\n"
                                + screen);
            }
            // polling a terminal: there is no event to wait for
            TimeUnit.MILLISECONDS.sleep(100);
            screen = screen(name);
        }
        return screen;
    }

    /** Like {@link #awaitScreen(String, String, Predicate, Duration)}, for a text on the screen. */
    String awaitText(String name, String text, Duration timeout) throws Exception {
        return awaitScreen(name, "'" + text + "'", screen -> screen.contains(text), timeout);
    }

    @Override
    public void close() throws Exception {
        tmux("kill-server");
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-u", "-L", socket));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tmux did not answer: " + command);
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 && !args[0].equals("kill-server")) {
            throw new AssertionError("tmux failed: " + command + ": " + text);
        }
        return text;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static List<String> cliCommand(Path jar, Path home, String... args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ChildJvm.java(),
                                "-Xmx256m",
                                "-jar",
                                jar.toString(),
                                "--home",
                                home.toString()));
        command.addAll(List.of(args));
        return command;
    }
}
