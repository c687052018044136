package dev.cipherline.relay.internal.config;

import java.lang.System.Logger.Level;

/**
 * Runs an action on SIGHUP, the signal with which operators (and systemd's {@code ExecReload}) ask
 * a daemon to reload its configuration.
 *
 * <p>Through {@code sun.misc.Signal}: the JDK has no public API for signals, and this one is
 * exported by the {@code jdk.unsupported} module precisely so that programs can keep using it; it
 * works on every JDK the relay runs on. Without a handler, the JVM treats SIGHUP as a request to
 * exit, so a reload would stop the relay. The JVM runs each handler on a thread of its own; the
 * action must therefore be thread-safe.
 */
public final class Hangup {
    private static final System.Logger LOG = System.getLogger(Hangup.class.getName());

    private Hangup() {}

    /** Runs {@code action} on every SIGHUP; an exception it throws is logged, never fatal. */
    public static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(
                    new sun.misc.Signal("HUP"),
                    signal -> {
                        LOG.log(Level.INFO, "SIGHUP: reloading the configuration");
                        try {
                            action.run();
                        } catch (RuntimeException e) {
                            // the reloader logged why; the relay runs on with what it had
                            LOG.log(Level.DEBUG, "reload failed: " + e.getMessage());
                        }
                    });
        } catch (IllegalArgumentException e) {
            // the JVM runs with -Xrs, or the platform has no SIGHUP
            LOG.log(
                    Level.WARNING,
                    "SIGHUP cannot be handled here, no reloading: " + e.getMessage());
        }
    }
}
