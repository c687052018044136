package dev.cipherline.relay.internal.metrics;

import dev.cipherline.protocol.ErrorCode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.DoubleSupplier;

/**
 * The relay's Prometheus metrics, in a registry of its own (one per relay, so two relays in one
 * process, as in tests, count apart). Every label value is a fixed word or an {@link ErrorCode}:
 * never an account ID, a device ID, an address or anything else of one user.
 *
 * <p>Counting methods are cheap and thread-safe (the client library's counters are striped adders)
 * and may be called from any thread. The names, with their meaning, are listed in
 * docs/OPERATIONS.md.
 */
public final class RelayMetrics {
    /** The content type of {@link #write}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter authentications;
    private final Counter registrations;
    private final Counter sendsAccepted;
    private final Counter sendsRefused;
    private final Counter deliveries;
    private final Counter acks;
    private final Counter swept;
    private final Counter rateLimited;
    private final Histogram commitBatch;
    private final Histogram commitSeconds;

    /** Metrics over a new registry, without the JVM's; see {@link #withJvm}. */
    public RelayMetrics() {
        authentications =
                Counter.builder()
                        .name("cipherline_relay_authentications_total")
                        .help("WebSocket authentications, by result")
                        .labelNames("result")
                        .register(registry);
        registrations =
                Counter.builder()
                        .name("cipherline_relay_registrations_total")
                        .help("Device registrations (POST /v1/devices), by result")
                        .labelNames("result")
                        .register(registry);
        sendsAccepted =
                Counter.builder()
                        .name("cipherline_relay_sends_accepted_total")
                        .help(
                                "Sends answered accepted: stored, a duplicate of a stored one, or"
                                        + " ephemeral")
                        .labelNames("kind")
                        .register(registry);
        sendsRefused =
                Counter.builder()
                        .name("cipherline_relay_sends_refused_total")
                        .help("Sends refused, by error code (mismatched-devices included)")
                        .labelNames("reason")
                        .register(registry);
        deliveries =
                Counter.builder()
                        .name("cipherline_relay_deliveries_total")
                        .help("Stored envelopes pushed to a connected device (redeliveries too)")
                        .register(registry);
        acks =
                Counter.builder()
                        .name("cipherline_relay_acks_total")
                        .help("Queue entries deleted by an ack")
                        .register(registry);
        swept =
                Counter.builder()
                        .name("cipherline_relay_expired_entries_swept_total")
                        .help("Queue entries deleted by the sweep because they expired")
                        .register(registry);
        rateLimited =
                Counter.builder()
                        .name("cipherline_relay_rate_limited_total")
                        .help(
                                "Requests refused by a rate limit: scope device (frames of an"
                                        + " authenticated device) or address (connects and"
                                        + " registrations per IP)")
                        .labelNames("scope")
                        .register(registry);
        commitBatch =
                Histogram.builder()
                        .name("cipherline_relay_store_commit_batch_size")
                        .help("Writes committed together in one store transaction (SQLite store)")
                        .classicOnly()
                        .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                        .register(registry);
        commitSeconds =
                Histogram.builder()
                        .name("cipherline_relay_store_commit_seconds")
                        .help(
                                "Time to run and commit (and sync) one batch of writes (SQLite"
                                        + " store)")
                        .classicOnly()
                        .classicUpperBounds(
                                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                2.5)
                        .register(registry);
    }

    /** Adds the client library's JVM metrics (memory, GC, threads, ...) to this registry. */
    public RelayMetrics withJvm() {
        JvmMetrics.builder().register(registry);
        return this;
    }

    /** A gauge whose value is read from {@code value} at every scrape. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /** An authentication ended: {@code ok}, {@code failed}, {@code unsupported-version}, ... */
    public void authentication(String result) {
        authentications.labelValues(result).inc();
    }

    /** A registration ended: {@code ok} or the error code that refused it. */
    public void registration(String result) {
        registrations.labelValues(result).inc();
    }

    /** A send was answered accepted; kind is {@code stored}, {@code duplicate} or ephemeral. */
    public void sendAccepted(String kind) {
        sendsAccepted.labelValues(kind).inc();
    }

    /** A send was refused with {@code code}. */
    public void sendRefused(ErrorCode code) {
        sendsRefused.labelValues(code.code()).inc();
    }

    /** A send was answered mismatched-devices. */
    public void sendMismatched() {
        sendsRefused.labelValues("mismatched-devices").inc();
    }

    /** A stored envelope was written to its device's connection. */
    public void delivered() {
        deliveries.inc();
    }

    /** An ack deleted {@code entries} entries. */
    public void acked(int entries) {
        if (entries > 0) {
            acks.inc(entries);
        }
    }

    /** The sweep deleted {@code entries} expired entries. */
    public void swept(long entries) {
        if (entries > 0) {
            swept.inc(entries);
        }
    }

    /**
     * A request was refused by the rate limit of {@code scope} ({@code device}, {@code address}).
     */
    public void rateLimited(String scope) {
        rateLimited.labelValues(scope).inc();
    }

    /** A batch of {@code size} writes committed in {@code nanos}. */
    public void committed(int size, long nanos) {
        commitBatch.observe(size);
        commitSeconds.observe(nanos / 1e9);
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void write(OutputStream out) throws IOException {
        TEXT.write(out, registry.scrape());
    }
}
