package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.StoreProtection;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where the CLI gets the passphrase of the local store: {@code CIPHERLINE_PASSPHRASE} for scripts,
 * else a prompt on the terminal (not echoed), else a clear error. The passphrase is never taken
 * from the command line, where other users could read it in the process list.
 */
final class Passphrases {
    /** The passphrase of the account's store, for scripts. */
    static final String ENV = "CIPHERLINE_PASSPHRASE";

    /** The new passphrase for {@code cipherline passphrase}, for scripts. */
    static final String NEW_ENV = "CIPHERLINE_NEW_PASSPHRASE";

    private Passphrases() {}

    /**
     * The protection to open the store in {@code home} with: none for a store made with {@code
     * --no-passphrase}, else its passphrase.
     *
     * @throws CliError.Locked if a passphrase is needed and neither the environment nor a terminal
     *     gives one, or the store is protected by an app's key
     */
    static StoreProtection forOpening(CliEnvironment env, Path home) {
        if (ChatClient.requiresAppKey(home)) {
            throw new CliError.Locked(
                    "the account in "
                            + home
                            + " is protected by an app's key; the CLI cannot open it");
        }
        if (!ChatClient.requiresPassphrase(home)) {
            return StoreProtection.none();
        }
        String fromEnv = env.getenv().apply(ENV);
        char[] typed =
                fromEnv != null ? fromEnv.toCharArray() : env.readSecret().apply("Passphrase: ");
        if (typed == null || typed.length == 0) {
            throw new CliError.Locked(
                    "the account in "
                            + home
                            + " is protected by a passphrase: set "
                            + ENV
                            + " or run this in a terminal to be asked for it");
        }
        return protect(typed);
    }

    /**
     * A new passphrase: from {@code envName} if set, else asked twice on the terminal.
     *
     * @throws CliError.Usage if there is neither, the two entries differ, or it is empty
     */
    static StoreProtection choose(CliEnvironment env, String envName, String otherwise) {
        String fromEnv = env.getenv().apply(envName);
        if (fromEnv != null) {
            if (fromEnv.isEmpty()) {
                throw new CliError.Usage(envName + " is set but empty");
            }
            return protect(fromEnv.toCharArray());
        }
        char[] first = env.readSecret().apply("New passphrase: ");
        if (first == null) {
            throw new CliError.Usage(
                    "no passphrase: set " + envName + ", run this in a terminal, or " + otherwise);
        }
        char[] second = env.readSecret().apply("Repeat it: ");
        try {
            if (first.length == 0) {
                throw new CliError.Usage("the passphrase must not be empty");
            }
            if (!Arrays.equals(first, second)) {
                throw new CliError.Usage("the two passphrases differ; nothing was changed");
            }
            return protect(first);
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    private static StoreProtection protect(char[] passphrase) {
        try {
            return StoreProtection.passphrase(passphrase);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }
}
