package dev.cipherline.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * What a relay is started with. {@link #parse} reads the command line; everything not given keeps
 * its default.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param dataDir where the database lives
 * @param maxExpiry the longest lifetime granted to an envelope
 * @param queueQuota the most entries one device's queue may hold
 * @param window the most unacknowledged deliveries per connection
 * @param abuse rate limits, the connection cap and the stall timeout
 * @param backends the storage engine and the delivery bus (one node or a cluster)
 * @param tls the PEM files of the certificate and key to serve https/wss with; null serves plain
 *     http/ws
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
        TlsFiles tls) {

    /** The usage text printed by {@code --help}. */
    public static final String USAGE =
            """
            Usage: java -jar cipherline-relay.jar [options]

            The Cipherline relay: stores and forwards end-to-end encrypted envelopes.

            Options:
              --listen HOST:PORT     address to listen on (default 127.0.0.1:7400; port 0 picks a free one)
              --data DIR             data directory, holds relay.db (default ./relay-data)
              --max-expiry DURATION  longest envelope lifetime, e.g. 30d, 12h, 90m, 45s (default 30d)
              --queue-quota N        most queued envelopes per device (default 100000)
              --window N             most unacknowledged deliveries per connection (default 256)
              --rate-limit N/UNIT[:BURST]
                                     requests per authenticated device, a token bucket of BURST
                                     (default N); UNIT is s, m, h or a duration such as 10s
                                     (default 500/s:10000)
              --address-rate-limit N/UNIT[:BURST]
                                     registrations and WebSocket connects per IP address
                                     (default 300/m; loopback is exempt unless --limit-loopback)
              --limit-loopback       apply --address-rate-limit to 127.0.0.0/8 and ::1 as well
              --max-connections N    most open connections; more are refused with 503 (default 50000)
              --stall-timeout DURATION
                                     close a connection whose client stops reading for this long
                                     (default 30s)
              --tls-cert FILE        serve https/wss with this PEM certificate chain (leaf first);
                                     needs --tls-key (default: plain http/ws)
              --tls-key FILE         the PEM private key of --tls-cert (PKCS#8, PKCS#1 RSA or
                                     SEC1 EC, unencrypted)

            Cluster (several relay nodes sharing one store; see docs/OPERATIONS.md):
              --store sqlite|mongodb where envelopes, devices and prekeys live (default sqlite,
                                     relay.db in --data)
              --mongo-uri URI        MongoDB connection string, e.g. mongodb://db1,db2,db3/?replicaSet=rs0
                                     (required with --store mongodb)
              --mongo-database NAME  database for the relay's collections (default cipherline)
              --mongo-write-concern majority|N
                                     replica-set members that acknowledge a write before a send
                                     is accepted (default majority)
              --mongo-journal on|off whether they must have it in their journal (default on)
              --bus local|kafka      how nodes wake each other (default local: one node);
                                     kafka needs --store mongodb
              --kafka-bootstrap HOST:PORT[,HOST:PORT...]
                                     Kafka bootstrap servers (required with --bus kafka)
              --node-id ID           this node's name, unique in the cluster and the same across
                                     restarts (required with --bus kafka)
              --help                 print this help and exit

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
    }

    /** A configuration serving plain http/ws. */
    public RelayConfig(
            String host,
            int port,
            Path dataDir,
            Duration maxExpiry,
            int queueQuota,
            int window,
            AbuseLimits abuse,
            Backends backends) {
        this(host, port, dataDir, maxExpiry, queueQuota, window, abuse, backends, null);
    }

    /** A configuration with the default {@link AbuseLimits}. */
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
                host, port, dataDir, maxExpiry, queueQuota, window, abuse, backends, tls);
    }

    /** This configuration with another store and bus. */
    public RelayConfig withBackends(Backends backends) {
        return new RelayConfig(
                host, port, dataDir, maxExpiry, queueQuota, window, abuse, backends, tls);
    }

    /** This configuration serving https/wss with {@code tls}, or plain http/ws with null. */
    public RelayConfig withTls(TlsFiles tls) {
        return new RelayConfig(
                host, port, dataDir, maxExpiry, queueQuota, window, abuse, backends, tls);
    }

    /** The defaults: 127.0.0.1:7400, ./relay-data, 30 days, 100000, 256. */
    public static RelayConfig defaults() {
        return new RelayConfig(
                "127.0.0.1", 7400, Path.of("relay-data"), Duration.ofDays(30), 100_000, 256);
    }

    /**
     * Reads the command line ({@code --flag value} or {@code --flag=value}).
     *
     * @throws IllegalArgumentException with one sentence for the user when an argument is wrong
     */
    public static RelayConfig parse(String... args) {
        RelayConfig c = defaults();
        String host = c.host();
        int port = c.port();
        Path dataDir = c.dataDir();
        Duration maxExpiry = c.maxExpiry();
        int quota = c.queueQuota();
        int window = c.window();
        AbuseLimits a = c.abuse();
        AbuseLimits.Rate deviceRate = a.deviceRate();
        AbuseLimits.Rate addressRate = a.addressRate();
        int maxConnections = a.maxConnections();
        Duration stallTimeout = a.stallTimeout();
        boolean limitLoopback = a.limitLoopback();
        Backends b = c.backends();
        Backends.Store store = b.store();
        URI mongoUri = b.mongoUri();
        String mongoDatabase = b.mongoDatabase();
        String mongoWriteConcern = b.mongoWriteConcern();
        boolean mongoJournal = b.mongoJournal();
        Backends.Bus bus = b.bus();
        String kafkaBootstrap = b.kafkaBootstrap();
        String nodeId = b.nodeId();
        Path tlsCert = null;
        Path tlsKey = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--limit-loopback")) {
                limitLoopback = true;
                continue;
            }
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                value = null;
            }
            if (value == null && isFlag(arg)) {
                throw new IllegalArgumentException("Option " + arg + " needs a value.");
            }
            switch (arg) {
                case "--listen" -> {
                    int colon = value.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException(
                                "--listen must be HOST:PORT, e.g. 127.0.0.1:7400.");
                    }
                    host = value.substring(0, colon);
                    if (host.startsWith("[") && host.endsWith("]")) {
                        host = host.substring(1, host.length() - 1);
                    }
                    port = number("--listen port", value.substring(colon + 1));
                }
                case "--data" -> dataDir = Path.of(value);
                case "--max-expiry" -> maxExpiry = duration(value);
                case "--queue-quota" -> quota = number("--queue-quota", value);
                case "--window" -> window = number("--window", value);
                case "--rate-limit" -> deviceRate = rate("--rate-limit", value);
                case "--address-rate-limit" -> addressRate = rate("--address-rate-limit", value);
                case "--max-connections" -> maxConnections = number("--max-connections", value);
                case "--stall-timeout" -> stallTimeout = duration("--stall-timeout", value);
                case "--store" -> store = Backends.Store.parse(value);
                case "--mongo-uri" -> mongoUri = uri("--mongo-uri", value);
                case "--mongo-database" -> mongoDatabase = value;
                case "--mongo-write-concern" -> mongoWriteConcern = value.trim();
                case "--mongo-journal" -> mongoJournal = onOff("--mongo-journal", value);
                case "--bus" -> bus = Backends.Bus.parse(value);
                case "--kafka-bootstrap" -> kafkaBootstrap = value.trim();
                case "--node-id" -> nodeId = value;
                case "--tls-cert" -> tlsCert = Path.of(value);
                case "--tls-key" -> tlsKey = Path.of(value);
                default ->
                        throw new IllegalArgumentException(
                                "Unknown argument " + arg + " (see --help).");
            }
        }
        return new RelayConfig(
                host,
                port,
                dataDir,
                maxExpiry,
                quota,
                window,
                new AbuseLimits(
                        deviceRate, addressRate, maxConnections, stallTimeout, limitLoopback),
                new Backends(
                        store,
                        mongoUri,
                        mongoDatabase,
                        mongoWriteConcern,
                        mongoJournal,
                        bus,
                        kafkaBootstrap,
                        nodeId),
                TlsFiles.of(tlsCert, tlsKey));
    }

    private static boolean onOff(String name, String value) {
        return switch (value.trim()) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be on or off.");
        };
    }

    private static URI uri(String name, String value) {
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a valid URI: '" + value + "'.");
        }
    }

    private static AbuseLimits.Rate rate(String name, String value) {
        try {
            return AbuseLimits.Rate.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static Duration duration(String name, String value) {
        try {
            return duration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    name + " must be a duration such as 30s or 2m, not '" + value + "'.");
        }
    }

    private static boolean isFlag(String arg) {
        return switch (arg) {
            case "--listen",
                    "--data",
                    "--max-expiry",
                    "--queue-quota",
                    "--window",
                    "--rate-limit",
                    "--address-rate-limit",
                    "--max-connections",
                    "--stall-timeout",
                    "--store",
                    "--mongo-uri",
                    "--mongo-database",
                    "--mongo-write-concern",
                    "--mongo-journal",
                    "--bus",
                    "--kafka-bootstrap",
                    "--node-id",
                    "--tls-cert",
                    "--tls-key" ->
                    true;
            default -> false;
        };
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    name + " must be a whole number, not '" + value + "'.");
        }
    }

    /** Parses 30d, 12h, 90m, 45s, 500ms or an ISO-8601 duration such as PT1H. */
    static Duration duration(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 'd' -> Duration.ofDays(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 's' -> Duration.ofSeconds(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException
                | DateTimeParseException
                | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    "--max-expiry must be a duration such as 30d, 12h, 90m or 45s, not '"
                            + value
                            + "'.");
        }
    }
}
