package dev.cipherline.cli.internal.command;

import dev.cipherline.sdk.AccountId;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Argument converters; each refuses bad input with a sentence that picocli turns into exit 2. */
final class Converters {
    private Converters() {}

    /** An account ID as printed by {@code whoami}; dashes, spaces and upper case are accepted. */
    static final class AccountIdConverter implements ITypeConverter<AccountId> {
        @Override
        public AccountId convert(String value) {
            try {
                return AccountId.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(
                        "'"
                                + value
                                + "' is not an account ID (32 letters and digits, as printed"
                                + " by 'cipherline whoami')");
            }
        }
    }

    /** A relay base URL: absolute, http, https, ws or wss (the last two as the first two). */
    static final class RelayUrlConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            try {
                URI uri = new URI(value.strip());
                String scheme = uri.getScheme();
                if (scheme != null
                        && List.of("http", "https", "ws", "wss")
                                .contains(scheme.toLowerCase(Locale.ROOT))
                        && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below, with the same sentence as any other bad URL
            }
            throw new TypeConversionException(
                    "'"
                            + value
                            + "' is not a relay URL (expected e.g. https://relay.example.org or"
                            + " http://127.0.0.1:7400)");
        }
    }

    /** A non-negative number of seconds, fractions allowed ({@code 0.5}). */
    static final class SecondsConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                BigDecimal seconds = new BigDecimal(value.strip());
                if (seconds.signum() >= 0) {
                    return Duration.ofNanos(
                            seconds.movePointRight(9)
                                    .setScale(0, RoundingMode.HALF_UP)
                                    .longValueExact());
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // reported below
            }
            throw new TypeConversionException(
                    "'" + value + "' is not a number of seconds (expected e.g. 30 or 0.5)");
        }
    }

    /**
     * A disappearing-message timer: {@code off}, or a whole number with a unit, {@code s}, {@code
     * m}, {@code h}, {@code d} or {@code w} (30s, 5m, 1h, 1d, 1w), from 1 second to 365 days.
     */
    static final class TimerConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return dev.cipherline.cli.internal.output.Timers.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Prints a duration as seconds for messages: {@code 30 s}, {@code 0.5 s}. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString()
                + " s";
    }
}
