package dev.cipherline.relay;

import dev.cipherline.relay.internal.admin.AdminCommand;
import dev.cipherline.relay.internal.config.ConfigLoader;
import dev.cipherline.relay.internal.config.ConfigReloader;
import dev.cipherline.relay.internal.config.ConfigText;
import dev.cipherline.relay.internal.config.Hangup;
import dev.cipherline.relay.internal.config.Settings;
import dev.cipherline.relay.internal.store.sqlite.SqliteBackup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * {@code java -jar cipherline-relay.jar [options]}: reads the configuration (flags, environment,
 * config file), starts the relay, and prints {@code cipherline-relay listening on http://HOST:PORT}
 * on stdout; SIGHUP reloads the configuration. Logs go to stderr. {@code backup [options] --to
 * FILE} copies the SQLite store of a running (or stopped) relay. Exit codes: 0 after SIGTERM,
 * {@code --help}, {@code --print-config} or a backup; 1 if the relay cannot start or the backup
 * fails; 2 for a bad configuration.
 *
 * <p>{@code java -jar cipherline-relay.jar admin ...} runs an admin command against a running relay
 * instead ({@link AdminCommand}).
 */
public final class Main {
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {}

    /** Runs the relay until the process is terminated. */
    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        if (!arguments.isEmpty() && arguments.get(0).equals("admin")) {
            // before --help: "admin --help" is the admin command's own help
            int code =
                    new AdminCommand(System.out, System.err)
                            .run(arguments.subList(1, arguments.size()));
            System.out.flush();
            System.exit(code);
            return;
        }
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.print(RelayConfig.USAGE);
            return;
        }
        if (!arguments.isEmpty() && arguments.get(0).equals("backup")) {
            System.exit(backup(arguments.subList(1, arguments.size()), System.getenv()));
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
        List<String> options = new ArrayList<>(arguments);
        boolean printConfig = options.remove("--print-config");
        Settings settings;
        RelayConfig config;
        try {
            settings = ConfigLoader.load(options, System.getenv());
            config = RelayConfig.from(settings);
        } catch (IllegalArgumentException e) {
            System.err.println("cipherline-relay: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (printConfig) {
            System.out.print(ConfigText.print(settings));
            System.out.flush();
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
        Hangup.onHangup(reloader(server, options, System::getenv, settings)::reload);
        System.out.println("cipherline-relay listening on " + server.url());
        if (server.adminUrl() != null) {
            System.out.println("cipherline-relay admin on " + server.adminUrl());
        }
        System.out.flush();
    }

    /**
     * What SIGHUP runs: reads {@code options}, the environment and the config file again, and gives
     * {@code server} what changed and can change.
     */
    static ConfigReloader reloader(
            RelayServer server,
            List<String> options,
            Supplier<Map<String, String>> env,
            Settings settings) {
        return new ConfigReloader(
                () -> ConfigLoader.load(options, env.get()),
                settings,
                RelayConfig::from,
                next -> server.reload(RelayConfig.from(next)));
    }

    /**
     * {@code backup [options] --to FILE}: copies the SQLite store named by the same options as the
     * relay's into FILE.
     *
     * @return the exit code
     */
    static int backup(List<String> args, Map<String, String> env) {
        List<String> options = new ArrayList<>();
        Path target = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--to") && i + 1 < args.size()) {
                target = Path.of(args.get(++i));
            } else if (arg.startsWith("--to=")) {
                target = Path.of(arg.substring("--to=".length()));
            } else {
                options.add(arg);
            }
        }
        if (target == null) {
            System.err.println("cipherline-relay backup: say where the backup goes: --to FILE.");
            return 2;
        }
        RelayConfig config;
        try {
            config = RelayConfig.from(ConfigLoader.load(options, env));
        } catch (IllegalArgumentException e) {
            System.err.println("cipherline-relay backup: " + e.getMessage());
            return 2;
        }
        if (config.backends().store() != Backends.Store.SQLITE) {
            System.err.println(
                    "cipherline-relay backup: this relay keeps its data in MongoDB; back that up"
                            + " with MongoDB's own tools (see docs/OPERATIONS.md).");
            return 2;
        }
        try {
            SqliteBackup.Result r = SqliteBackup.run(config.dataDir(), target);
            System.out.println(
                    "cipherline-relay backup: "
                            + config.dataDir().resolve("relay.db")
                            + " copied to "
                            + r.file()
                            + " ("
                            + r.bytes()
                            + " bytes, "
                            + r.devices()
                            + " devices, "
                            + r.queued()
                            + " queued envelopes, integrity ok)");
            return 0;
        } catch (IOException e) {
            System.err.println("cipherline-relay backup: " + e.getMessage() + ".");
            return 1;
        }
    }
}
