package dev.cipherline.cli;

import dev.cipherline.cli.internal.command.CliEnvironment;
import dev.cipherline.cli.internal.command.RootCommand;
import dev.cipherline.cli.internal.error.ErrorMapper;
import dev.cipherline.cli.internal.error.ExitCode;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * The {@code cipherline} command line: {@code java -jar cipherline.jar [--home DIR] COMMAND ...}.
 * Exit codes are listed in {@link ExitCode} and in {@code --help}.
 */
public final class Main {
    /** Names the log level for stderr (off, error, warning, info, debug, trace); default off. */
    static final String LOG_ENV = "CIPHERLINE_LOG";

    /** Held so that its level survives: java.util.logging keeps loggers weakly. */
    private static final Logger CIPHERLINE_LOGGER = Logger.getLogger("dev.cipherline");

    private Main() {}

    /** Runs one command and exits the process with its exit code. */
    public static void main(String[] args) {
        configureLogging(System.getenv(LOG_ENV));
        PrintWriter out = utf8(FileDescriptor.out);
        PrintWriter err = utf8(FileDescriptor.err);
        int exitCode = run(CliEnvironment.system(), out, err, args);
        out.flush();
        err.flush();
        // the SDK's network threads must not keep a finished command alive
        System.exit(exitCode);
    }

    /**
     * Runs one command in this process and returns its exit code; nothing is thrown and every
     * failure is reported on {@code err} as one line.
     */
    public static int run(
            CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
        return commandLine(environment, out, err).execute(args);
    }

    /** Returns the configured picocli command line, for tests and for {@link #run}. */
    static CommandLine commandLine(CliEnvironment environment, PrintWriter out, PrintWriter err) {
        ErrorMapper errors = new ErrorMapper();
        CommandLine commandLine =
                new CommandLine(new RootCommand(environment))
                        .setOut(out)
                        .setErr(err)
                        .setExecutionExceptionHandler(errors)
                        .setParameterExceptionHandler(errors);
        documentExitCodes(commandLine);
        return commandLine;
    }

    private static void documentExitCodes(CommandLine commandLine) {
        commandLine
                .getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCode.helpList());
        commandLine.getSubcommands().values().forEach(Main::documentExitCodes);
    }

    private static PrintWriter utf8(FileDescriptor fd) {
        return new PrintWriter(
                new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
    }

    /**
     * Silences java.util.logging (the System.Logger backend) unless {@code CIPHERLINE_LOG} asks for
     * a level for Cipherline's own loggers: stderr carries the one-sentence error that scripts
     * read, not library chatter. Other libraries log warnings only, and only when it is set.
     */
    private static void configureLogging(String level) {
        LogManager.getLogManager().reset();
        Level cipherline = julLevel(level);
        Logger rootLogger = Logger.getLogger("");
        rootLogger.setLevel(cipherline == Level.OFF ? Level.OFF : Level.WARNING);
        CIPHERLINE_LOGGER.setLevel(cipherline);
        if (cipherline != Level.OFF) {
            ConsoleHandler handler = new ConsoleHandler();
            handler.setLevel(Level.ALL);
            rootLogger.addHandler(handler);
        }
    }

    private static Level julLevel(String level) {
        if (level == null) {
            return Level.OFF;
        }
        return switch (level.strip().toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warning", "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace", "all" -> Level.FINEST;
            default -> Level.OFF;
        };
    }
}
