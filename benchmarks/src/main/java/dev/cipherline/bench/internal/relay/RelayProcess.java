package dev.cipherline.bench.internal.relay;

import dev.cipherline.bench.internal.TempDirs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A relay started as its own process from {@code cipherline-relay.jar}, on a free loopback port
 * with a fresh data directory, with its default durability (SQLite WAL, {@code synchronous=FULL},
 * group commit). It can be killed with SIGKILL and restarted on the same port and data directory
 * ({@link #kill()}, {@link #restart()}); {@link #pid()} and the {@code /proc} readings then refer
 * to the new process. Reads the process's CPU time and memory from {@code /proc}, so it works on
 * Linux only.
 */
public final class RelayProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("cipherline-relay listening on (http://\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final long CLOCK_TICKS = clockTicksPerSecond();

    private final Path workDir;
    private final Path dataDir;
    private final URI url;
    private final List<String> jvmOptions;
    private final Path relayJar;
    private final List<String> relayArgs;
    private volatile Process process;
    private int generation = 1;

    private RelayProcess(
            Process process,
            Path workDir,
            Path dataDir,
            URI url,
            Path relayJar,
            List<String> jvmOptions,
            List<String> relayArgs) {
        this.process = process;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.url = url;
        this.relayJar = relayJar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.relayArgs = List.copyOf(relayArgs);
    }

    /**
     * Starts {@code java [jvmOptions] -jar relayJar --listen 127.0.0.1:0 --data TMP} and waits for
     * the line that names its URL.
     *
     * @throws IOException if the process cannot start or does not announce its URL in time
     */
    public static RelayProcess start(Path relayJar, List<String> jvmOptions, List<String> relayArgs)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(relayJar)) {
            throw new IOException(
                    relayJar + " does not exist; build it with: mvn -B package -DskipTests");
        }
        Path work = Files.createTempDirectory("cipherline-bench-");
        Path data = work.resolve("relay-data");
        Path stdout = work.resolve("relay.out");
        Path stderr = work.resolve("relay.err");
        List<String> command = command(relayJar, jvmOptions, relayArgs, "127.0.0.1:0", data);
        Process process = launch(command, stdout, stderr);
        URI url = awaitUrl(process, stdout, System.nanoTime() + START_TIMEOUT.toNanos());
        if (url == null) {
            process.destroyForcibly();
            throw new IOException(
                    "the relay did not start within "
                            + START_TIMEOUT
                            + "; its stderr is in "
                            + stderr);
        }
        return new RelayProcess(process, work, data, url, relayJar, jvmOptions, relayArgs);
    }

    /**
     * Kills the relay with SIGKILL ({@link Process#destroyForcibly()} is SIGKILL on Linux), so it
     * gets no chance to flush, close or answer anything, and waits until it is gone.
     *
     * @return the killed process's exit status: 137 (128 + SIGKILL) on Linux
     * @throws IOException if the process is still alive 10 seconds later
     */
    public int kill() throws IOException, InterruptedException {
        Process p = process;
        p.destroyForcibly();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new IOException("the relay (pid " + p.pid() + ") survived SIGKILL for 10 s");
        }
        return p.exitValue();
    }

    /**
     * Starts a new relay process with the same options on the same data directory and the same
     * port, so that clients reconnect to the same {@link #url()}, and waits until it listens. Call
     * after {@link #kill()}. A bind that fails (the port not free yet) is retried until the start
     * timeout.
     *
     * @throws IOException if no new relay listens on the same URL within the start timeout
     */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("restart() needs the relay stopped first");
        }
        List<String> command =
                command(
                        relayJar,
                        jvmOptions,
                        relayArgs,
                        url.getHost() + ":" + url.getPort(),
                        dataDir);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            generation++;
            Path stdout = workDir.resolve("relay-" + generation + ".out");
            Path stderr = workDir.resolve("relay-" + generation + ".err");
            Process next = launch(command, stdout, stderr);
            URI announced = awaitUrl(next, stdout, deadline);
            if (announced != null && announced.equals(url)) {
                process = next;
                return;
            }
            next.destroyForcibly();
            next.waitFor(10, TimeUnit.SECONDS);
            if (announced != null) {
                throw new IOException(
                        "the restarted relay listens on " + announced + ", not " + url);
            }
            if (System.nanoTime() >= deadline) {
                throw new IOException(
                        "the relay did not restart on "
                                + url
                                + " within "
                                + START_TIMEOUT
                                + "; its stderr is in "
                                + stderr);
            }
            Thread.sleep(100); // the port may still be held by the killed process's sockets
        }
    }

    private static List<String> command(
            Path relayJar,
            List<String> jvmOptions,
            List<String> relayArgs,
            String listen,
            Path data) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(
                List.of(
                        "-jar",
                        relayJar.toString(),
                        "--listen",
                        listen,
                        // a free port: benchmarks may run several relays at once
                        "--admin-listen",
                        "127.0.0.1:0",
                        "--data",
                        data.toString()));
        command.addAll(relayArgs);
        return command;
    }

    private static Process launch(List<String> command, Path stdout, Path stderr)
            throws IOException {
        return new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
    }

    /**
     * Waits for {@code process} to announce its URL on stdout; null if it exits or the {@link
     * System#nanoTime()} deadline passes first (the process is then left as it is).
     */
    private static URI awaitUrl(Process process, Path stdout, long deadline)
            throws IOException, InterruptedException {
        while (System.nanoTime() < deadline) {
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            Matcher m = LISTENING.matcher(out);
            if (m.find()) {
                return URI.create(m.group(1));
            }
            if (!process.isAlive()) {
                return null;
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        return null;
    }

    /** The relay's HTTP base URL. */
    public URI url() {
        return url;
    }

    /** The relay's process ID. */
    public long pid() {
        return process.pid();
    }

    /** Where the relay's stdout, stderr and data directory are. */
    public Path workDir() {
        return workDir;
    }

    /**
     * User plus system CPU time the relay process has used so far, in nanoseconds ({@code utime +
     * stime} of {@code /proc/PID/stat}, which counts in clock ticks, normally 10 ms).
     */
    public long cpuNanos() throws IOException {
        return cpuNanos(pid());
    }

    /**
     * User plus system CPU time of process {@code pid} so far, in nanoseconds, from {@code
     * /proc/PID/stat}.
     */
    public static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) is in parentheses and may hold spaces: count after it
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS);
    }

    /**
     * Resident set size of the relay process, in bytes ({@code VmRSS} of {@code /proc/PID/status}).
     */
    public long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid() + "/status");
    }

    /**
     * Java heap in use in the relay after a full collection, in bytes: runs {@code jcmd PID GC.run}
     * and reads {@code GC.heap_info}. Returns -1 if jcmd is missing or its output is not
     * understood.
     */
    public long heapUsedAfterGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return -1;
        }
        run(jcmd.toString(), Long.toString(pid()), "GC.run");
        String info = run(jcmd.toString(), Long.toString(pid()), "GC.heap_info");
        // G1: " garbage-first heap   total 262144K, used 12345K [..."
        Matcher m = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /** Total size of the files in the relay's data directory (relay.db, its WAL and shm), bytes. */
    public long storedBytes() throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            long sum = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                sum += Files.size(p);
            }
            return sum;
        }
    }

    /** Stops the relay with SIGTERM (then SIGKILL after 10 s) and deletes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        Process process = this.process;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (System.getProperty("cipherline.bench.keep") == null) {
            TempDirs.delete(workDir);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 60 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static long clockTicksPerSecond() {
        // USER_HZ is 100 on every mainstream Linux build; getconf confirms it when present
        try {
            String hz = run("getconf", "CLK_TCK").trim();
            return Long.parseLong(hz);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return 100;
        }
    }
}
