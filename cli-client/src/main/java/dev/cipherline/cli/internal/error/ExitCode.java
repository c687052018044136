package dev.cipherline.cli.internal.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The documented exit codes of the {@code cipherline} command; scripts depend on these numbers, so
 * they never change meaning.
 */
public enum ExitCode {
    OK(0, "Success."),
    INTERNAL(1, "Internal error (a bug, or the local store could not be read or written)."),
    USAGE(2, "Usage error: bad arguments, an invalid account ID or relay URL."),
    STATE(
            3,
            "The home directory holds no account (run init), already holds one (init), or is in"
                    + " use by another cipherline command."),
    UNREACHABLE(
            4,
            "The relay could not be reached or did not answer in time; unsent messages"
                    + " stay queued in the outbox."),
    REJECTED(5, "Rejected: unknown contact or recipient, or the relay refused the request."),
    AUTH_FAILED(6, "The relay did not accept this device's credentials."),
    LOCKED(
            7,
            "The local store is encrypted and the passphrase is missing or wrong (set"
                    + " CIPHERLINE_PASSPHRASE, or type it at the prompt)."),
    UNTRUSTED(
            8,
            "The relay's TLS certificate was refused: expired, for another host name, from a CA"
                    + " not trusted (see init --relay-ca) or matching no --relay-pin.");

    private final int code;
    private final String description;

    ExitCode(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** Returns the process exit status. */
    public int code() {
        return code;
    }

    /** Returns the one-line description shown under "Exit codes" in {@code --help}. */
    public String description() {
        return description;
    }

    /** Returns the exit code list for picocli's usage help, in numeric order. */
    public static Map<String, String> helpList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode exitCode : values()) {
            list.put(exitCode.code + ":", exitCode.description);
        }
        return list;
    }
}
