package dev.cipherline.bench.jmh;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the SDK benchmarks in one JMH run (raw libsignal, the SDK's path, session setup, group send)
 * and prints, after JMH's own table, one JSON line with the ratio of the SDK's end-to-end rate to
 * the raw libsignal rate measured in the same run. JMH command-line options (e.g. {@code -wi 2 -i
 * 3}) pass through.
 */
public final class SdkSuite {
    private SdkSuite() {}

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Options options =
                new OptionsBuilder()
                        .parent(new CommandLineOptions(args))
                        .include(RawSessionBenchmark.class.getSimpleName())
                        .include(SdkPathBenchmark.class.getSimpleName())
                        .include(SessionSetupBenchmark.class.getSimpleName())
                        .include(GroupSendBenchmark.class.getSimpleName())
                        .build();
        Collection<RunResult> results = new Runner(options).run();
        double raw = score(results, "RawSessionBenchmark.encryptDecrypt256");
        double sdk = score(results, "SdkPathBenchmark.sendAndReceive");
        double sessions = score(results, "SdkPathBenchmark.sqliteSessionsOnly");
        double burst = score(results, "SdkPathBenchmark.sendAndReceiveBurst");
        double burst32 = score(results, "SdkPathBenchmark.sendAndReceiveBurst32");
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "{\"raw_ops_s\":%.1f,\"sdk_path_ops_s\":%.1f,\"sdk_burst_msgs_s\":%.1f,"
                                + "\"sdk_burst32_msgs_s\":%.1f,"
                                + "\"sdk_sessions_only_ops_s\":%.1f,\"sdk_path_ratio\":%.4f,"
                                + "\"sdk_burst_ratio\":%.4f,\"sdk_burst32_ratio\":%.4f,"
                                + "\"sessions_only_ratio\":%.4f,"
                                + "\"durability\":\"WAL, synced before anything leaves the device\"}",
                        raw,
                        sdk,
                        burst,
                        burst32,
                        sessions,
                        sdk / raw,
                        burst / raw,
                        burst32 / raw,
                        sessions / raw));
    }

    private static double score(Collection<RunResult> results, String name) {
        for (RunResult r : results) {
            if (r.getParams().getBenchmark().endsWith(name)) {
                return r.getPrimaryResult().getScore();
            }
        }
        return Double.NaN;
    }
}
