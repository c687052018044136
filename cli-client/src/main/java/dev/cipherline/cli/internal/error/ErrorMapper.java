package dev.cipherline.cli.internal.error;

import dev.cipherline.sdk.ChatException;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place where failures become exit codes: every exception a command throws, and every
 * argument the parser refuses, ends as one sentence on stderr ({@code cipherline: <sentence>}) and
 * a documented {@link ExitCode}. No stack trace reaches the user; internal errors are logged at
 * debug level (see {@code CIPHERLINE_LOG}).
 */
public final class ErrorMapper implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private static final System.Logger LOG = System.getLogger(ErrorMapper.class.getName());

    /** Returns the CLI error that {@code failure} stands for. */
    public static CliError toCliError(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof CliError error) {
            return error;
        }
        if (t instanceof ChatException error) {
            return fromSdk(error);
        }
        if (t instanceof ParameterException error) {
            return new CliError.Usage(error.getMessage());
        }
        String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new CliError.Internal("internal error: " + detail, t);
    }

    /** Maps each SDK failure reason to a CLI error; a new reason fails compilation here. */
    static CliError fromSdk(ChatException error) {
        String sentence = error.getMessage() == null ? error.reason().name() : error.getMessage();
        return switch (error.reason()) {
            case INVALID_ARGUMENT -> new CliError.Usage(sentence);
            case NOT_INITIALIZED, ALREADY_INITIALIZED, IN_USE -> new CliError.WrongState(sentence);
            case RELAY_UNREACHABLE, TIMEOUT -> new CliError.Unreachable(sentence);
            case REJECTED,
                    UNKNOWN_CONTACT,
                    REGISTRATION_CLOSED,
                    INVITE_INVALID,
                    INVITE_USED,
                    INVITE_EXPIRED,
                    TOO_MANY_DEVICES,
                    LINK_EXPIRED,
                    LINK_USED,
                    LINK_DECLINED,
                    LINK_FAILED,
                    FILE_TOO_LARGE,
                    QUOTA_EXCEEDED,
                    FILE_UNAVAILABLE ->
                    new CliError.Rejected(sentence);
            case LINK_INVALID -> new CliError.Usage(sentence);
            case AUTH_FAILED, DEVICE_REMOVED -> new CliError.AuthFailed(sentence);
            case RELAY_UNTRUSTED -> new CliError.Untrusted(sentence);
            case LOCKED -> new CliError.Locked(sentence);
            case STORE_FAILURE, CRYPTO_FAILURE, CLOSED -> new CliError.Internal(sentence, error);
        };
    }

    @Override
    public int handleExecutionException(
            Exception failure, CommandLine commandLine, ParseResult parseResult) {
        CliError error = toCliError(failure);
        if (error instanceof CliError.Internal) {
            LOG.log(Level.DEBUG, "command failed", error.getCause());
        }
        report(commandLine.getErr(), error.getMessage());
        return error.exitCode().code();
    }

    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        String command = commandLine.getCommandSpec().qualifiedName();
        report(commandLine.getErr(), describe(failure) + " (see '" + command + " --help')");
        return ExitCode.USAGE.code();
    }

    private static String describe(ParameterException failure) {
        if (failure instanceof UnmatchedArgumentException unmatched
                && !unmatched.isUnknownOption()
                && !unmatched.getCommandLine().getSubcommands().isEmpty()
                && !unmatched.getUnmatched().isEmpty()) {
            return "Unknown command: '" + unmatched.getUnmatched().get(0) + "'";
        }
        return failure.getMessage();
    }

    /** Prints a problem that does not end the command: {@code cipherline: warning: <sentence>}. */
    public static void warn(PrintWriter err, ChatException warning) {
        report(err, "warning: " + warning.getMessage());
    }

    /** Prints {@code cipherline: <sentence>} as exactly one line. */
    static void report(PrintWriter err, String sentence) {
        String oneLine = sentence == null ? "unknown error" : sentence.strip();
        err.println("cipherline: " + oneLine.replaceAll("\\s*[\\r\\n]+\\s*", " "));
        err.flush();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
