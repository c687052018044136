package dev.cipherline.cli.internal.output;

import java.time.Duration;

/** Disappearing-message timers in words, for the human output and the chat header. */
public final class Timers {
    private static final long[] SIZES = {7 * 86400, 86400, 3600, 60, 1};
    private static final String[] UNITS = {"week", "day", "hour", "minute", "second"};

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

    /** {@code 1h}, {@code 90s}, {@code 2w}: the short form the {@code timer} command reads. */
    public static String brief(Duration timer) {
        long seconds = timer.getSeconds();
        if (seconds <= 0) {
            return "off";
        }
        String[] letters = {"w", "d", "h", "m", "s"};
        for (int i = 0; i < SIZES.length; i++) {
            if (seconds % SIZES[i] == 0) {
                return seconds / SIZES[i] + letters[i];
            }
        }
        throw new AssertionError("unreachable: every whole number of seconds is seconds");
    }
}
