package dev.cipherline.relay.internal.config;

import static dev.cipherline.relay.internal.config.Option.fixed;
import static dev.cipherline.relay.internal.config.Option.reloadable;
import static dev.cipherline.relay.internal.config.ValueType.address;
import static dev.cipherline.relay.internal.config.ValueType.addressOrOff;
import static dev.cipherline.relay.internal.config.ValueType.bool;
import static dev.cipherline.relay.internal.config.ValueType.byteSize;
import static dev.cipherline.relay.internal.config.ValueType.choice;
import static dev.cipherline.relay.internal.config.ValueType.duration;
import static dev.cipherline.relay.internal.config.ValueType.integer;
import static dev.cipherline.relay.internal.config.ValueType.onOff;
import static dev.cipherline.relay.internal.config.ValueType.path;
import static dev.cipherline.relay.internal.config.ValueType.rate;
import static dev.cipherline.relay.internal.config.ValueType.text;
import static dev.cipherline.relay.internal.config.ValueType.uri;

import dev.cipherline.relay.AbuseLimits;
import dev.cipherline.relay.Backends;
import dev.cipherline.relay.LogFormat;
import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RegistrationPolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every option of the relay, each declared once. The flag ({@code --name}), the config file key
 * ({@code name}), the environment variable ({@code CIPHERLINE_RELAY_NAME}), {@code --help}, {@code
 * --print-config} and SIGHUP reloading all come from these lines.
 *
 * <p>To add an option: declare it here in one line, with {@link Option#fixed} (needs a restart) or
 * {@link Option#reloadable} (SIGHUP applies it; then say in {@code RelayServer#reload} or in a
 * registered {@code Reloadable} how), wrapped in {@code add(...)} (which lists it in {@link #ALL};
 * the order of the lines is the order of {@code --help} and {@code --print-config}), with {@code
 * .asSecret()} if its value must never be printed. Then read it in {@code
 * RelayConfig.from(Settings)}. Also add it, commented, to {@code packaging/relay.toml} and to
 * docs/OPERATIONS.md.
 */
public final class RelayOptions {
    private RelayOptions() {}

    // every declaration goes through add(), which lists it in ALL (declared first, filled in order)
    private static final List<Option<?>> DECLARED = new ArrayList<>();

    public static final Option<InetSocketAddress> LISTEN =
            add(
                    fixed(
                            "listen",
                            address(),
                            InetSocketAddress.createUnresolved("127.0.0.1", 7400),
                            "address to listen on (port 0 picks a free one)"));
    public static final Option<Path> DATA =
            add(
                    fixed(
                            "data",
                            path("DIR"),
                            Path.of("relay-data"),
                            "data directory, holds relay.db"));
    public static final Option<Duration> MAX_EXPIRY =
            add(
                    fixed(
                            "max-expiry",
                            duration(),
                            Duration.ofDays(30),
                            "longest envelope lifetime, e.g. 30d, 12h, 90m, 45s"));
    public static final Option<Duration> SWEEP_INTERVAL =
            add(
                    fixed(
                            "sweep-interval",
                            duration(),
                            Operations.DEFAULT_SWEEP_INTERVAL,
                            "how often expired envelopes are deleted and their expiry notices recorded"));
    public static final Option<Integer> QUEUE_QUOTA =
            add(
                    fixed(
                            "queue-quota",
                            integer(1, Integer.MAX_VALUE),
                            100_000,
                            "most queued envelopes per device"));
    public static final Option<Long> MAX_BLOB_BYTES =
            add(
                    fixed(
                            "max-blob-bytes",
                            byteSize(),
                            dev.cipherline.relay.BlobLimits.DEFAULT_MAX_BLOB_BYTES,
                            "largest encrypted file one upload may store, e.g. 100MiB, 1GiB"));
    public static final Option<Long> BLOB_QUOTA =
            add(
                    fixed(
                            "blob-quota",
                            byteSize(),
                            dev.cipherline.relay.BlobLimits.DEFAULT_QUOTA_BYTES,
                            "most bytes of files one device may hold on the relay at once"));
    public static final Option<Integer> WINDOW =
            add(
                    fixed(
                            "window",
                            integer(1, 10_000),
                            256,
                            "most unacknowledged deliveries per connection"));
    public static final Option<AbuseLimits.Rate> RATE_LIMIT =
            add(
                    reloadable(
                            "rate-limit",
                            rate(),
                            AbuseLimits.DEFAULT.deviceRate(),
                            "requests per authenticated device, a token bucket of BURST (default N); UNIT is s, m, h or a duration such as 10s"));
    public static final Option<AbuseLimits.Rate> ADDRESS_RATE_LIMIT =
            add(
                    reloadable(
                            "address-rate-limit",
                            rate(),
                            AbuseLimits.DEFAULT.addressRate(),
                            "registrations and WebSocket connects per IP address (loopback is exempt unless limit-loopback)"));
    public static final Option<Boolean> LIMIT_LOOPBACK =
            add(
                    reloadable(
                            "limit-loopback",
                            bool(),
                            false,
                            "apply address-rate-limit to 127.0.0.0/8 and ::1 as well"));
    public static final Option<Integer> MAX_CONNECTIONS =
            add(
                    reloadable(
                            "max-connections",
                            integer(1, Integer.MAX_VALUE),
                            AbuseLimits.DEFAULT.maxConnections(),
                            "most open connections; more are refused with 503"));
    public static final Option<Duration> STALL_TIMEOUT =
            add(
                    reloadable(
                            "stall-timeout",
                            duration(),
                            AbuseLimits.DEFAULT.stallTimeout(),
                            "close a connection whose client stops reading for this long"));
    public static final Option<Duration> AUTH_TIMEOUT =
            add(
                    fixed(
                            "auth-timeout",
                            duration(),
                            AbuseLimits.DEFAULT.authTimeout(),
                            "close a connection not authenticated this long after it was accepted, upgrade included"));
    public static final Option<RegistrationPolicy> REGISTRATION =
            add(
                    reloadable(
                            "registration",
                            choice(RegistrationPolicy.class),
                            RegistrationPolicy.OPEN,
                            "who may register a device: anyone, holders of an invite (admin invite create), or nobody"));
    public static final Option<Integer> MAX_DEVICES =
            add(
                    fixed(
                            "max-devices",
                            integer(1, 127),
                            Operations.DEFAULT_MAX_DEVICES,
                            "most devices per account; a registration past it gets 403 too-many-devices"));
    public static final Option<Optional<InetSocketAddress>> ADMIN_LISTEN =
            add(
                    fixed(
                            "admin-listen",
                            addressOrOff(),
                            Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", 7401)),
                            "the admin listener: /metrics, /healthz, /readyz and the admin command's API; never the public port"));
    public static final Option<Backends.Store> STORE =
            add(
                    fixed(
                            "store",
                            choice(Backends.Store.class),
                            Backends.Store.SQLITE,
                            "where envelopes, devices and prekeys live (sqlite: relay.db in data)"));
    public static final Option<URI> MONGO_URI =
            add(
                    fixed(
                                    "mongo-uri",
                                    uri("mongodb", "mongodb+srv"),
                                    null,
                                    "MongoDB connection string, e.g. mongodb://db1,db2,db3/?replicaSet=rs0 (required with store mongodb)")
                            .asSecret());
    public static final Option<String> MONGO_DATABASE =
            add(
                    fixed(
                            "mongo-database",
                            text(
                                    "NAME",
                                    "[A-Za-z0-9_-]{1,63}",
                                    "1..63 letters, digits, '_' or '-'"),
                            "cipherline",
                            "database for the relay's collections"));
    public static final Option<String> MONGO_WRITE_CONCERN =
            add(
                    fixed(
                            "mongo-write-concern",
                            text(
                                    "majority|N",
                                    "majority|[1-9][0-9]?",
                                    "\"majority\" or a number of members \"1\"..\"99\""),
                            "majority",
                            "replica-set members that acknowledge a write before a send is accepted"));
    public static final Option<Boolean> MONGO_JOURNAL =
            add(
                    fixed(
                            "mongo-journal",
                            onOff(),
                            true,
                            "whether they must have it in their journal"));
    public static final Option<Backends.Bus> BUS =
            add(
                    fixed(
                            "bus",
                            choice(Backends.Bus.class),
                            Backends.Bus.LOCAL,
                            "how nodes wake each other (local: one node); kafka needs store mongodb"));
    public static final Option<String> KAFKA_BOOTSTRAP =
            add(
                    fixed(
                            "kafka-bootstrap",
                            text(
                                    "HOST:PORT[,...]",
                                    "[^\\s,]+(,[^\\s,]+)*",
                                    "HOST:PORT[,HOST:PORT...] without spaces"),
                            null,
                            "Kafka bootstrap servers (required with bus kafka)"));
    public static final Option<String> NODE_ID =
            add(
                    fixed(
                            "node-id",
                            text(
                                    "ID",
                                    "[A-Za-z0-9_.-]{1,64}",
                                    "1..64 letters, digits, '.', '_' or '-'"),
                            null,
                            "this node's name, unique in the cluster and the same across restarts (required with bus kafka)"));

    public static final Option<Path> TLS_CERT =
            add(
                    fixed(
                            "tls-cert",
                            path("FILE"),
                            null,
                            "serve https/wss with this PEM certificate chain (leaf first); needs tls-key (SIGHUP reloads the files)"));
    public static final Option<Path> TLS_KEY =
            add(
                    fixed(
                            "tls-key",
                            path("FILE"),
                            null,
                            "the PEM private key of tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted)"));
    public static final Option<LogFormat> LOG_FORMAT =
            add(
                    fixed(
                            "log-format",
                            choice(LogFormat.class),
                            LogFormat.TEXT,
                            "one line per event on stderr, as text or as one JSON object per line for log shippers"));

    /** Every option, in the order of {@code --help} and {@code --print-config}. */
    public static final List<Option<?>> ALL = List.copyOf(DECLARED);

    private static <T> Option<T> add(Option<T> option) {
        DECLARED.add(option);
        return option;
    }
}
