package dev.cipherline.cli.internal.error;

/**
 * A failure the CLI explains to its user in one sentence and reports with a documented {@link
 * ExitCode}. Commands throw these (or let the SDK's {@code ChatException} escape); {@link
 * ErrorMapper} is the one place that turns any failure into one of them.
 */
public abstract sealed class CliError extends RuntimeException {
    private CliError(String sentence, Throwable cause) {
        super(sentence, cause);
    }

    /** Returns the exit code this failure ends the process with. */
    public abstract ExitCode exitCode();

    /** Bad arguments; exit 2. */
    public static final class Usage extends CliError {
        public Usage(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.USAGE;
        }
    }

    /** No account in the home directory, one already there, or the home in use; exit 3. */
    public static final class WrongState extends CliError {
        public WrongState(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.STATE;
        }
    }

    /** The relay could not be reached or did not answer in time; exit 4. */
    public static final class Unreachable extends CliError {
        public Unreachable(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.UNREACHABLE;
        }
    }

    /** The SDK or the relay refused the request (unknown recipient, too large…); exit 5. */
    public static final class Rejected extends CliError {
        public Rejected(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.REJECTED;
        }
    }

    /** The relay refused this device's credentials; exit 6. */
    public static final class AuthFailed extends CliError {
        public AuthFailed(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.AUTH_FAILED;
        }
    }

    /** The local store is locked: no passphrase, or a wrong one (exit 7). */
    public static final class Locked extends CliError {
        public Locked(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.LOCKED;
        }
    }

    /** The relay's TLS certificate was refused (exit 8). */
    public static final class Untrusted extends CliError {
        public Untrusted(String sentence) {
            super(sentence, null);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.UNTRUSTED;
        }
    }

    /** Anything unexpected; exit 1. The cause is kept for the debug log, never printed. */
    public static final class Internal extends CliError {
        public Internal(String sentence, Throwable cause) {
            super(sentence, cause);
        }

        @Override
        public ExitCode exitCode() {
            return ExitCode.INTERNAL;
        }
    }
}
