package dev.cipherline.relay;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;

/**
 * {@code java -jar cipherline-relay.jar [options]}: reads the configuration, starts the relay, and
 * prints {@code cipherline-relay listening on http://HOST:PORT} on stdout. Logs go to stderr. Exit
 * codes: 0 after SIGTERM or {@code --help}, 1 if the relay cannot start, 2 for bad arguments.
 */
public final class Main {
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {}

    /** Runs the relay until the process is terminated. */
    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(RelayConfig.USAGE);
            return;
        }
        if (System.getProperty(LEAK_DETECTION) == null) {
            // Netty samples buffers with a stack trace each; 1-2 % of the relay's CPU under load.
            // -Dio.netty.leakDetection.level=simple (or paranoid) turns it back on to hunt a leak.
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty(
                    "java.util.logging.SimpleFormatter.format",
                    "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        RelayConfig config;
        try {
            config = RelayConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cipherline-relay: " + e.getMessage());
            System.exit(2);
            return;
        }
        config.logFormat().install();
        RelayServer server;
        try {
            server = RelayServer.start(config, Clock.systemUTC());
        } catch (IOException e) {
            System.err.println(config.logFormat().direct(Level.SEVERE, e.getMessage()));
            System.exit(1);
            return;
        }
        LogFormat format = config.logFormat();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    // java.util.logging resets itself in its own shutdown hook,
                                    // so these two lines go to stderr directly
                                    System.err.println(format.direct(Level.INFO, "shutting down"));
                                    server.close();
                                    System.err.println(format.direct(Level.INFO, "stopped"));
                                    System.err.flush();
                                    // SIGTERM is the normal way to stop a relay: exit 0, not 143
                                    Runtime.getRuntime().halt(0);
                                },
                                "relay-shutdown"));
        System.out.println("cipherline-relay listening on " + server.url());
        System.out.flush();
    }
}
