package dev.cipherline.relay.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cipherline.relay.AbuseLimits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The kind of value an {@link Option} takes: how it reads from a flag or an environment variable
 * (text), from the config file (a TOML string, integer or boolean, checked strictly), and how it is
 * written back for {@code --print-config}.
 *
 * @param <T> the Java type of the value
 */
public final class ValueType<T> {
    /** The TOML type a value has in the file. */
    public enum Toml {
        STRING("a string"),
        INTEGER("an integer"),
        BOOLEAN("true or false");

        private final String noun;

        Toml(String noun) {
            this.noun = noun;
        }

        /** "a string", "an integer", "true or false". */
        public String noun() {
            return noun;
        }
    }

    private final Toml toml;
    private final String metavar;
    private final String allowed;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;
    private final Function<T, String> masker; // null: the whole value is masked

    private ValueType(
            Toml toml,
            String metavar,
            String allowed,
            Function<String, T> parser,
            Function<T, String> formatter,
            Function<T, String> masker) {
        this.toml = toml;
        this.metavar = metavar;
        this.allowed = allowed;
        this.parser = parser;
        this.formatter = formatter;
        this.masker = masker;
    }

    /** The TOML type of the value in the config file. */
    public Toml toml() {
        return toml;
    }

    /** The placeholder in {@code --help}, e.g. {@code N} or {@code HOST:PORT}. */
    public String metavar() {
        return metavar;
    }

    /** Whether the flag may stand alone, meaning true ({@code --limit-loopback}). */
    public boolean standsAlone() {
        return toml == Toml.BOOLEAN && metavar.equals("true|false");
    }

    /** What is allowed, after "must be": e.g. "an integer 1..10000". */
    public String allowed() {
        return allowed;
    }

    /**
     * Reads a value from its text (a flag's or an environment variable's).
     *
     * @throws IllegalArgumentException if the text is not allowed (without a message for users: the
     *     caller names the option and {@link #allowed()})
     */
    public T parse(String text) {
        T value = parser.apply(text);
        if (value == null) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    /**
     * Reads a value from the config file.
     *
     * @throws WrongTypeException if the node is not of this type's {@link #toml()}
     * @throws IllegalArgumentException if it is of the right type but not allowed
     */
    public T fromToml(JsonNode node) {
        return switch (toml) {
            case STRING -> {
                if (!node.isTextual()) {
                    throw new WrongTypeException(describe(node));
                }
                yield parse(node.textValue());
            }
            case INTEGER -> {
                if (!node.isIntegralNumber()) {
                    throw new WrongTypeException(describe(node));
                }
                if (!node.canConvertToLong()) {
                    throw new IllegalArgumentException();
                }
                yield parse(Long.toString(node.longValue()));
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw new WrongTypeException(describe(node));
                }
                yield parse(Boolean.toString(node.booleanValue()));
            }
        };
    }

    /** The value as its flag text, e.g. {@code 30s} or {@code 127.0.0.1:7400}. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /**
     * The value for a reader who may not see secrets: a URI with its password masked, any other
     * type entirely masked.
     */
    public String masked(T value) {
        return masker == null ? "********" : masker.apply(value);
    }

    /** The value as TOML (quoted when a string), secrets masked when {@code mask}. */
    public String toToml(T value, boolean mask) {
        if (toml == Toml.BOOLEAN) {
            return String.valueOf(value); // on|off options are true or false in the file
        }
        String text = mask ? masked(value) : format(value);
        return toml == Toml.STRING ? quote(text) : text;
    }

    /** A TOML basic string holding {@code text}. */
    public static String quote(String text) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** How a file value of the wrong type is named: "a string", "a float", "a table"... */
    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isIntegralNumber()) {
            return "an integer";
        }
        if (node.isNumber()) {
            return "a float";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "a table";
        }
        return "a date or time";
    }

    /** Thrown by {@link #fromToml} when the file holds another TOML type. */
    public static final class WrongTypeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        WrongTypeException(String found) {
            super(found);
        }

        /** What the file held instead: "a string", "a float"... */
        public String found() {
            return getMessage();
        }
    }

    // ---- the types ----

    /** A whole number in {@code min..max}. */
    public static ValueType<Integer> integer(int min, int max) {
        String range = max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
        return new ValueType<>(
                Toml.INTEGER,
                "N",
                "an integer " + range,
                text -> {
                    try {
                        int n = Integer.parseInt(text.trim());
                        return n >= min && n <= max ? n : null;
                    } catch (NumberFormatException e) {
                        return null;
                    }
                },
                String::valueOf,
                null);
    }

    /** A positive number of bytes: 5000000, 512KiB, 100MiB or 1GiB. */
    public static ValueType<Long> byteSize() {
        return new ValueType<>(
                Toml.STRING,
                "SIZE",
                "a size such as \"100MiB\", \"1GiB\", \"512KiB\" or \"5000000\" (bytes), at"
                        + " least 1",
                ValueType::parseByteSize,
                ValueType::formatByteSize,
                null);
    }

    static Long parseByteSize(String text) {
        String t = text.trim();
        long unit = 1;
        for (String[] u :
                new String[][] {
                    {"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}, {"B", "1"}
                }) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n < 1 || n > Long.MAX_VALUE / unit) {
                return null;
            }
            return n * unit;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String formatByteSize(Long bytes) {
        for (String[] u :
                new String[][] {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}}) {
            long unit = Long.parseLong(u[1]);
            if (bytes % unit == 0) {
                return (bytes / unit) + u[0];
            }
        }
        return Long.toString(bytes);
    }

    /** {@code true} or {@code false} (also {@code on}/{@code off} as text). */
    public static ValueType<Boolean> bool() {
        return new ValueType<>(
                Toml.BOOLEAN,
                "true|false",
                "true or false",
                text ->
                        switch (text.trim().toLowerCase(Locale.ROOT)) {
                            case "true", "on" -> true;
                            case "false", "off" -> false;
                            default -> null;
                        },
                String::valueOf,
                null);
    }

    /** {@code on} or {@code off} on the command line, {@code true} or {@code false} in the file. */
    public static ValueType<Boolean> onOff() {
        return new ValueType<>(
                Toml.BOOLEAN,
                "on|off",
                "on or off",
                text ->
                        switch (text.trim().toLowerCase(Locale.ROOT)) {
                            case "true", "on" -> true;
                            case "false", "off" -> false;
                            default -> null;
                        },
                b -> b ? "on" : "off",
                null);
    }

    /** A positive duration: 30d, 12h, 90m, 45s, 500ms or ISO-8601 such as PT1H. */
    public static ValueType<Duration> duration() {
        return new ValueType<>(
                Toml.STRING,
                "DURATION",
                "a positive duration such as \"30d\", \"12h\", \"90m\", \"45s\" or \"500ms\"",
                text -> {
                    try {
                        Duration d = parseDuration(text);
                        return d.isNegative() || d.isZero() ? null : d;
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                },
                ValueType::formatDuration,
                null);
    }

    /** A token-bucket rate, {@code N/UNIT[:BURST]}. */
    public static ValueType<AbuseLimits.Rate> rate() {
        return new ValueType<>(
                Toml.STRING,
                "N/UNIT[:BURST]",
                "a rate such as \"100/s\", \"300/m\", \"50/10s\" or \"500/s:10000\" (a burst),"
                        + " each at least 1",
                text -> {
                    try {
                        return AbuseLimits.Rate.parse(text);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                },
                ValueType::formatRate,
                null);
    }

    /** {@code HOST:PORT}, the host possibly in brackets ({@code [::1]:7400}); port 0..65535. */
    public static ValueType<InetSocketAddress> address() {
        return new ValueType<>(
                Toml.STRING,
                "HOST:PORT",
                "HOST:PORT such as \"127.0.0.1:7400\" or \"[::1]:7400\", the port 0..65535",
                text -> {
                    String v = text.trim();
                    int colon = v.lastIndexOf(':');
                    if (colon <= 0) {
                        return null;
                    }
                    String host = v.substring(0, colon);
                    if (host.startsWith("[") && host.endsWith("]")) {
                        host = host.substring(1, host.length() - 1);
                    }
                    try {
                        int port = Integer.parseInt(v.substring(colon + 1));
                        if (host.isBlank() || port < 0 || port > 65535) {
                            return null;
                        }
                        return InetSocketAddress.createUnresolved(host, port);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                },
                ValueType::formatAddress,
                null);
    }

    /**
     * {@code HOST:PORT} as {@link #address()}, or {@code off} (empty): a listener that may be
     * turned off.
     */
    public static ValueType<Optional<InetSocketAddress>> addressOrOff() {
        ValueType<InetSocketAddress> address = address();
        return new ValueType<>(
                Toml.STRING,
                "HOST:PORT|off",
                "HOST:PORT such as \"127.0.0.1:7401\" or \"[::1]:7401\", the port 0..65535, or"
                        + " \"off\"",
                text -> {
                    if (text.trim().equals("off")) {
                        return Optional.empty();
                    }
                    InetSocketAddress a = address.parser.apply(text);
                    return a == null ? null : Optional.of(a);
                },
                a -> a.map(ValueType::formatAddress).orElse("off"),
                null);
    }

    /** A file system path. */
    public static ValueType<Path> path(String metavar) {
        return new ValueType<>(
                Toml.STRING,
                metavar,
                "a path",
                text -> {
                    try {
                        return text.isBlank() ? null : Path.of(text);
                    } catch (InvalidPathException e) {
                        return null;
                    }
                },
                Path::toString,
                null);
    }

    /** A URI whose scheme is one of {@code schemes}; a password in it is masked. */
    public static ValueType<URI> uri(String... schemes) {
        String list = String.join("://, ", schemes) + "://";
        return new ValueType<>(
                Toml.STRING,
                "URI",
                "a URI starting with " + list,
                text -> {
                    try {
                        URI uri = new URI(text.trim());
                        return Arrays.asList(schemes).contains(uri.getScheme()) ? uri : null;
                    } catch (URISyntaxException e) {
                        return null;
                    }
                },
                URI::toString,
                ValueType::maskPassword);
    }

    /** Text matching {@code regex}, described by {@code allowed}. */
    public static ValueType<String> text(String metavar, String regex, String allowed) {
        Pattern pattern = Pattern.compile(regex);
        return new ValueType<>(
                Toml.STRING,
                metavar,
                allowed,
                text -> pattern.matcher(text.trim()).matches() ? text.trim() : null,
                Function.identity(),
                null);
    }

    /** One of an enum's constants, written in lower case. */
    public static <E extends Enum<E>> ValueType<E> choice(Class<E> type) {
        E[] values = type.getEnumConstants();
        String names =
                Arrays.stream(values)
                        .map(e -> e.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining("|"));
        String quoted =
                Arrays.stream(values)
                        .map(e -> "\"" + e.name().toLowerCase(Locale.ROOT) + "\"")
                        .collect(Collectors.joining(" or "));
        return new ValueType<>(
                Toml.STRING,
                names,
                quoted,
                text -> {
                    for (E e : values) {
                        if (e.name().equalsIgnoreCase(text.trim())) {
                            return e;
                        }
                    }
                    return null;
                },
                e -> e.name().toLowerCase(Locale.ROOT),
                null);
    }

    /**
     * Parses 30d, 12h, 90m, 45s, 500ms or an ISO-8601 duration such as PT1H.
     *
     * @throws IllegalArgumentException if it is none of these
     */
    public static Duration parseDuration(String value) {
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
                | ArithmeticException
                | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    "a duration such as 30d, 12h, 90m or 45s, not '" + value + "'", e);
        }
    }

    /** The shortest of 30d, 12h, 90m, 45s, 500ms that is exactly {@code d}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    private static String formatRate(AbuseLimits.Rate rate) {
        String unit =
                switch (formatDuration(rate.period())) {
                    case "1s" -> "s";
                    case "1m" -> "m";
                    case "1h" -> "h";
                    default -> formatDuration(rate.period());
                };
        String text = rate.permits() + "/" + unit;
        return rate.burst() == rate.permits() ? text : text + ":" + rate.burst();
    }

    private static String formatAddress(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The URI with the password of its user information replaced by {@code ***}. */
    public static String maskPassword(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return uri.toString();
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? info : info.substring(0, colon);
        return uri.toString().replace(info + "@", user + ":***@");
    }
}
