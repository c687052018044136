package dev.cipherline.relay;

import dev.cipherline.relay.internal.log.JsonLogFormatter;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the relay writes its log lines to stderr: {@code text}, one human-readable line per event
 * (the default), or {@code json}, one JSON object per line for log shippers (fields in {@link
 * JsonLogFormatter}).
 */
public enum LogFormat {
    TEXT,
    JSON;

    /**
     * Parses {@code text} or {@code json}.
     *
     * @throws IllegalArgumentException with one sentence for the user otherwise
     */
    public static LogFormat parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default ->
                    throw new IllegalArgumentException(
                            "--log-format must be text or json, not '" + value + "'.");
        };
    }

    /** Makes the process's root log handlers write this format. */
    void install() {
        if (this == JSON) {
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                handler.setFormatter(new JsonLogFormatter());
            }
        }
    }

    /**
     * A line for stderr written without the logging system (which is gone in a shutdown hook), in
     * this format: {@code cipherline-relay: MESSAGE} as text, a JSON object as JSON. No newline.
     */
    String direct(Level level, String message) {
        if (this == TEXT) {
            return "cipherline-relay: " + message;
        }
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(Main.class.getName());
        return new JsonLogFormatter().format(record).stripTrailing();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
