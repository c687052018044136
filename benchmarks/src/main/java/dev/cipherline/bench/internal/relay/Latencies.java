package dev.cipherline.bench.internal.relay;

import java.util.Arrays;

/** Percentiles of a set of latencies given in nanoseconds, reported in milliseconds. */
final class Latencies {
    private final long[] sorted;

    Latencies(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    /** The {@code p}-th percentile (nearest rank) in milliseconds, rounded to 0.01 ms. */
    double percentileMs(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return round(sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1e6);
    }

    double maxMs() {
        return sorted.length == 0 ? Double.NaN : round(sorted[sorted.length - 1] / 1e6);
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
