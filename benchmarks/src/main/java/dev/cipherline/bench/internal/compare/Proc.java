package dev.cipherline.bench.internal.compare;

import dev.cipherline.bench.internal.relay.RelayProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a server process, read from {@code /proc} the same way for each system.
 */
public final class Proc {
    private Proc() {}

    /** {@code utime + stime} of {@code /proc/PID/stat}, in nanoseconds (10 ms resolution). */
    public static long cpuNanos(long pid) throws IOException {
        return RelayProcess.cpuNanos(pid);
    }

    /** {@code VmRSS} of {@code /proc/PID/status}, in bytes. */
    public static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
