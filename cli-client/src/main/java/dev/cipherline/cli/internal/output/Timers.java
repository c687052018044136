package dev.cipherline.cli.internal.output;

import java.time.Duration;

/** Disappearing-message timers in words, for the human output and the chat header. */
public final class Timers {
    private static final long[] SIZES = {7 * 86400, 86400, 3600, 60, 1};
    private static final String[] UNITS = {"week", "day", "hour", "minute", "second"};

    private static final long MAX_SECONDS = 365L * 86400;
    private static final java.util.regex.Pattern TIMER =
            java.util.regex.Pattern.compile("([0-9]{1,9})([smhdw])");

    private Timers() {}

    /** {@code 1 hour}, {@code 90 seconds}, {@code 2 weeks}; {@code off} for zero. */
    public static String describe(Duration timer) {
        long seconds = timer.getSeconds();
        if (seconds <= 0) {
            return "off";
        }
        for (int i = 0; i < SIZES.length; i++) {
            if (seconds % SIZES[i] == 0) {
                long n = seconds / SIZES[i];
                return n + " " + UNITS[i] + (n == 1 ? "" : "s");
            }
        }
        throw new AssertionError("unreachable: every whole number of seconds is seconds");
    }

    /**
     * Reads a timer as typed: {@code off} (or {@code 0}), or a whole number and a unit {@code s},
     * {@code m}, {@code h}, {@code d} or {@code w}, from 1 second to 365 days; case is ignored.
     *
     * @throws IllegalArgumentException with the sentence to show, for anything else
     */
    public static Duration parse(String typed) {
        String v = typed.strip().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("off") || v.equals("0")) {
            return Duration.ZERO;
        }
        java.util.regex.Matcher m = TIMER.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'"
                            + typed
                            + "' is not a timer (expected off, or a whole number and a unit s, m,"
                            + " h, d or w: 30s, 5m, 1h, 1d, 1w)");
        }
        long unit = SIZES[4 - "smhdw".indexOf(m.group(2))];
        long seconds = Long.parseLong(m.group(1)) * unit;
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException(
                    "'" + typed + "' is out of range: a timer is 1s .. 365d, or off");
        }
        return Duration.ofSeconds(seconds);
    }
}
