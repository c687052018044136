package dev.cipherline.sdk.internal;

import java.util.logging.Logger;

/**
 * The SDK's logger: the calls of {@code System.Logger} (Java 9, absent on Android) over {@code
 * java.util.logging}, which the JVM and Android both have and which was already System.Logger's
 * backend on the JVM. Messages use {@link java.text.MessageFormat}'s {@code {0}} as before, and the
 * levels map as the JDK maps them.
 */
public final class Log {
    /** System.Logger's levels. */
    public enum Level {
        TRACE(java.util.logging.Level.FINER),
        DEBUG(java.util.logging.Level.FINE),
        INFO(java.util.logging.Level.INFO),
        WARNING(java.util.logging.Level.WARNING),
        ERROR(java.util.logging.Level.SEVERE);

        private final java.util.logging.Level jul;

        Level(java.util.logging.Level jul) {
            this.jul = jul;
        }
    }

    private final Logger logger;

    private Log(Logger logger) {
        this.logger = logger;
    }

    /** The logger of this name (by convention, the class name). */
    public static Log get(String name) {
        return new Log(Logger.getLogger(name));
    }

    public boolean isLoggable(Level level) {
        return logger.isLoggable(level.jul);
    }

    public void log(Level level, String message) {
        logger.logp(level.jul, logger.getName(), null, message);
    }

    public void log(Level level, String message, Throwable thrown) {
        logger.logp(level.jul, logger.getName(), null, message, thrown);
    }

    public void log(Level level, String format, Object... params) {
        logger.logp(level.jul, logger.getName(), null, format, params);
    }
}
