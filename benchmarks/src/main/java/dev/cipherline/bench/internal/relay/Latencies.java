package dev.cipherline.bench.internal.relay;

import java.util.Arrays;

/** Percentiles of a set of latencies given in nanoseconds, reported in milliseconds. */
public final class Latencies {
    private final long[] sorted;

    public Latencies(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    /** The {@code p}-th percentile (nearest rank) in milliseconds, rounded to 0.01 ms. */
    public double percentileMs(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return round(sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] / 1e6);
    }

    public double maxMs() {
        return sorted.length == 0 ? Double.NaN : round(sorted[sorted.length - 1] / 1e6);
    }

    public static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
