package dev.cipherline.relay;

import dev.cipherline.relay.internal.config.ConfigLoader;
import dev.cipherline.relay.internal.config.ConfigText;
import dev.cipherline.relay.internal.config.RelayOptions;
import dev.cipherline.relay.internal.config.Settings;
import dev.cipherline.relay.internal.config.ValueType;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a relay is started with. {@link #from} builds it from the settings that {@code ConfigLoader}
 * resolved (flag > environment variable > config file > default); {@link #parse} reads a command
 * line alone. The options themselves are declared once, in {@code internal.config.RelayOptions}.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param dataDir where the database lives
 * @param maxExpiry the longest lifetime granted to an envelope
 * @param queueQuota the most entries one device's queue may hold
 * @param window the most unacknowledged deliveries per connection
 * @param abuse rate limits, the connection cap and the stall timeout
 * @param backends the storage engine and the delivery bus (one node or a cluster)
 * @param logFormat how log lines are written to stderr
 * @param tls the PEM files of the certificate and key to serve https/wss with; null serves plain
 *     http/ws
 * @param operations the admin listener and the registration policy
 * @param blobs the size limit and per-device quota of encrypted files
 */
public record RelayConfig(
        String host,
        int port,
        Path dataDir,
        Duration maxExpiry,
        int queueQuota,
        int window,
        AbuseLimits abuse,
        Backends backends,
        LogFormat logFormat,
        TlsFiles tls,
        Operations operations,
        BlobLimits blobs) {

    /** The usage text printed by {@code --help}, made from the option table. */
    public static final String USAGE =
            """
            Usage: java -jar cipherline-relay.jar [options]
                   java -jar cipherline-relay.jar backup [options] --to FILE
                   java -jar cipherline-relay.jar admin COMMAND ... (see admin --help)

            The Cipherline relay: stores and forwards end-to-end encrypted envelopes.

            Every option can also be set in the config file (the same name without the dashes,
            e.g. max-connections = 1000) or in an environment variable (CIPHERLINE_RELAY_ and the
            name in capitals, dashes as underscores, e.g. CIPHERLINE_RELAY_MAX_CONNECTIONS=1000).
            A flag beats the environment, which beats the file, which beats the default.
            SIGHUP reloads the file; the options marked [SIGHUP] change at once, the others need
            a restart. See docs/OPERATIONS.md.

              --config FILE          the config file, TOML (or CIPHERLINE_RELAY_CONFIG)
              --print-config         print the effective configuration as TOML, secrets masked,
                                     and exit
              --help                 print this help and exit
            """
                    + ConfigText.options()
                    + """

            backup copies the SQLite store (data/relay.db) into FILE while the relay runs; it
            takes the same --config, --data and environment as the relay.

            On start it prints one line: cipherline-relay listening on http://HOST:PORT
            (https:// with --tls-cert).
            SIGTERM stops it cleanly (exit code 0).
            """;

    /** Checks every value. */
    public RelayConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("The listen host must not be empty.");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("The listen port must be 0..65535.");
        }
        if (maxExpiry.isNegative() || maxExpiry.isZero()) {
            throw new IllegalArgumentException("--max-expiry must be positive.");
        }
        if (queueQuota < 1) {
            throw new IllegalArgumentException("--queue-quota must be at least 1.");
        }
        if (window < 1 || window > 10_000) {
            throw new IllegalArgumentException("--window must be 1..10000.");
        }
        if (abuse == null) {
            throw new IllegalArgumentException("abuse limits must be given");
        }
        if (backends == null) {
            throw new IllegalArgumentException("backends must be given");
        }
        if (logFormat == null) {
            throw new IllegalArgumentException("a log format must be given");
        }
        if (operations == null) {
            throw new IllegalArgumentException("operations must be given");
        }
        if (blobs == null) {
            throw new IllegalArgumentException("blob limits must be given");
        }
        if (operations.adminEnabled()
                && operations.adminPort() != 0
                && operations.adminPort() == port
                && operations.adminHost().equals(host)) {
            throw new IllegalArgumentException(
                    "--admin-listen must not be the public --listen address.");
        }
    }

    /**
     * A configuration logging as text, serving plain http/ws, without an admin listener and with
     * open registration.
     */
    public RelayConfig(
            String host,
            int port,
            Path dataDir,
            Duration maxExpiry,
            int queueQuota,
            int window,
            AbuseLimits abuse,
            Backends backends) {
        this(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                abuse,
                backends,
                LogFormat.TEXT,
                null,
                Operations.EMBEDDED,
                BlobLimits.DEFAULT);
    }

    /**
     * A configuration with the default {@link AbuseLimits}, one node, no admin listener and open
     * registration (the command line's defaults turn the admin listener on: {@link #defaults()}).
     */
    public RelayConfig(
            String host, int port, Path dataDir, Duration maxExpiry, int queueQuota, int window) {
        this(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                AbuseLimits.DEFAULT,
                Backends.SINGLE_NODE);
    }

    /** This configuration with other abuse limits. */
    public RelayConfig withAbuse(AbuseLimits abuse) {
        return new RelayConfig(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                abuse,
                backends,
                logFormat,
                tls,
                operations,
                blobs);
    }

    /** This configuration serving https/wss with {@code tls}, or plain http/ws with null. */
    public RelayConfig withTls(TlsFiles tls) {
        return new RelayConfig(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                abuse,
                backends,
                logFormat,
                tls,
                operations,
                blobs);
    }

    /** This configuration with another store and bus. */
    public RelayConfig withBackends(Backends backends) {
        return new RelayConfig(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                abuse,
                backends,
                logFormat,
                tls,
                operations,
                blobs);
    }

    /** This configuration with other blob limits. */
    public RelayConfig withBlobs(BlobLimits blobs) {
        return new RelayConfig(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                abuse,
                backends,
                logFormat,
                tls,
                operations,
                blobs);
    }

    /** This configuration with another admin listener and registration policy. */
    public RelayConfig withOperations(Operations operations) {
        return new RelayConfig(
                host,
                port,
                dataDir,
                maxExpiry,
                queueQuota,
                window,
                abuse,
                backends,
                logFormat,
                tls,
                operations,
                blobs);
    }

    /**
     * The defaults: 127.0.0.1:7400, ./relay-data, 30 days, 100000, 256, admin listener on
     * 127.0.0.1:7401, registration open.
     */
    public static RelayConfig defaults() {
        return new RelayConfig(
                        "127.0.0.1", 7400, Path.of("relay-data"), Duration.ofDays(30), 100_000, 256)
                .withOperations(Operations.DEFAULT);
    }

    /**
     * Reads the command line ({@code --flag value} or {@code --flag=value}) alone: no environment
     * variable, and a config file only when {@code --config} names one.
     *
     * @throws IllegalArgumentException with one sentence for the user when an argument is wrong
     */
    public static RelayConfig parse(String... args) {
        return from(ConfigLoader.load(List.of(args), Map.of()));
    }

    /**
     * The configuration that {@code settings} describe.
     *
     * @throws IllegalArgumentException with one sentence for the user when values cannot run
     *     together (such as {@code --bus kafka} without {@code --store mongodb})
     */
    public static RelayConfig from(Settings s) {
        InetSocketAddress listen = s.get(RelayOptions.LISTEN);
        return new RelayConfig(
                listen.getHostString(),
                listen.getPort(),
                s.get(RelayOptions.DATA),
                s.get(RelayOptions.MAX_EXPIRY),
                s.get(RelayOptions.QUEUE_QUOTA),
                s.get(RelayOptions.WINDOW),
                new AbuseLimits(
                        s.get(RelayOptions.RATE_LIMIT),
                        s.get(RelayOptions.ADDRESS_RATE_LIMIT),
                        s.get(RelayOptions.MAX_CONNECTIONS),
                        s.get(RelayOptions.STALL_TIMEOUT),
                        s.get(RelayOptions.LIMIT_LOOPBACK),
                        s.get(RelayOptions.AUTH_TIMEOUT)),
                new Backends(
                        s.get(RelayOptions.STORE),
                        s.get(RelayOptions.MONGO_URI),
                        s.get(RelayOptions.MONGO_DATABASE),
                        s.get(RelayOptions.MONGO_WRITE_CONCERN),
                        s.get(RelayOptions.MONGO_JOURNAL),
                        s.get(RelayOptions.BUS),
                        s.get(RelayOptions.KAFKA_BOOTSTRAP),
                        s.get(RelayOptions.NODE_ID)),
                s.get(RelayOptions.LOG_FORMAT),
                TlsFiles.of(s.get(RelayOptions.TLS_CERT), s.get(RelayOptions.TLS_KEY)),
                operations(s),
                new BlobLimits(s.get(RelayOptions.MAX_BLOB_BYTES), s.get(RelayOptions.BLOB_QUOTA)));
    }

    private static Operations operations(Settings s) {
        Operations ops =
                Operations.EMBEDDED
                        .withRegistration(s.get(RelayOptions.REGISTRATION))
                        .withMaxDevices(s.get(RelayOptions.MAX_DEVICES))
                        .withSweepInterval(s.get(RelayOptions.SWEEP_INTERVAL));
        return s.get(RelayOptions.ADMIN_LISTEN)
                .map(a -> ops.withAdmin(a.getHostString(), a.getPort()))
                .orElse(ops);
    }

    /**
     * Parses 30d, 12h, 90m, 45s, 500ms or an ISO-8601 duration such as PT1H.
     *
     * @throws IllegalArgumentException if it is none of these
     */
    public static Duration parseDuration(String value) {
        return duration(value);
    }

    /** Parses 30d, 12h, 90m, 45s, 500ms or an ISO-8601 duration such as PT1H. */
    static Duration duration(String value) {
        return ValueType.parseDuration(value);
    }
}
