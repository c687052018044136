package dev.cipherline.bench.internal.compare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side table: one row per metric, one column per system (or client mode) and one per
 * ratio of two columns, printed as Markdown. A missing figure prints as "—", and so does a ratio
 * that has one; a row without any figure (a workload that was not run) is left out.
 */
public final class RatioTable {
    /** How a metric's values are printed. */
    public enum Unit {
        /** a rate: 950, 14.5k, 1.2M */
        RATE,
        /** microseconds, one decimal */
        MICROS,
        /** milliseconds, two decimals */
        MILLIS,
        /** kibibytes or mebibytes, one decimal */
        SIZE
    }

    /** A row: its key, its label, and how its values print. */
    public record Metric(String key, String label, Unit unit) {}

    /** A ratio column: {@code numerator / denominator}. */
    public record Ratio(String numerator, String denominator) {
        String header() {
            return numerator + " / " + denominator;
        }
    }

    private final List<String> columns;
    private final List<Ratio> ratios;
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> values = new HashMap<>();

    /**
     * A table with these system columns and ratio columns.
     *
     * @throws IllegalArgumentException if a ratio names a column the table does not have
     */
    public RatioTable(List<String> columns, List<Ratio> ratios) {
        this.columns = List.copyOf(columns);
        this.ratios = List.copyOf(ratios);
        for (Ratio r : ratios) {
            if (!columns.contains(r.numerator()) || !columns.contains(r.denominator())) {
                throw new IllegalArgumentException("ratio over an unknown column: " + r);
            }
        }
    }

    /** Adds a row; rows print in the order they were added. */
    public RatioTable metric(String key, String label, Unit unit) {
        metrics.put(key, new Metric(key, label, unit));
        return this;
    }

    /**
     * Records {@code value} (null for none) for {@code metric} in {@code column}.
     *
     * @throws IllegalArgumentException for an unknown row or column
     */
    public void put(String column, String metric, Double value) {
        if (!columns.contains(column)) {
            throw new IllegalArgumentException("unknown column: " + column);
        }
        if (!metrics.containsKey(metric)) {
            throw new IllegalArgumentException("unknown metric: " + metric);
        }
        values.computeIfAbsent(metric, k -> new HashMap<>()).put(column, value);
    }

    /** The value recorded for {@code metric} in {@code column}, or null. */
    public Double get(String column, String metric) {
        return values.getOrDefault(metric, Map.of()).get(column);
    }

    /** {@code numerator / denominator} of one metric, or null if either is missing or zero. */
    public Double ratio(String metric, Ratio r) {
        Double n = get(r.numerator(), metric);
        Double d = get(r.denominator(), metric);
        if (n == null || d == null || d == 0 || n.isNaN() || d.isNaN()) {
            return null;
        }
        return n / d;
    }

    /** The table as Markdown. */
    public String markdown() {
        List<String> header = new ArrayList<>();
        header.add("metric");
        header.addAll(columns);
        ratios.forEach(r -> header.add(r.header()));
        StringBuilder sb = new StringBuilder();
        row(sb, header);
        List<String> rule = new ArrayList<>();
        header.forEach(h -> rule.add("---"));
        row(sb, rule);
        for (Metric m : metrics.values()) {
            if (!values.containsKey(m.key())) {
                continue; // a workload that was not run
            }
            List<String> cells = new ArrayList<>();
            cells.add(m.label());
            for (String c : columns) {
                cells.add(format(get(c, m.key()), m.unit()));
            }
            for (Ratio r : ratios) {
                Double v = ratio(m.key(), r);
                cells.add(v == null ? "—" : String.format(Locale.ROOT, "%.2f", v));
            }
            row(sb, cells);
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    /** One value as the table prints it. */
    public static String format(Double v, Unit unit) {
        if (v == null || v.isNaN()) {
            return "—";
        }
        return switch (unit) {
            case RATE -> rate(v);
            case MICROS -> String.format(Locale.ROOT, "%.1f µs", v);
            case MILLIS -> String.format(Locale.ROOT, "%.2f ms", v);
            case SIZE ->
                    v >= 1024
                            ? String.format(Locale.ROOT, "%.1f MB", v / 1024)
                            : String.format(Locale.ROOT, "%.1f KB", v);
        };
    }

    private static String rate(double v) {
        if (v >= 999_500) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1_000) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
