package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.StoreProtection;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline passphrase [--remove]}: changes the local store's passphrase. */
@Command(
        name = "passphrase",
        mixinStandardHelpOptions = true,
        description = {
            "Changes the passphrase that protects the local store (or sets one on a store made"
                    + " with --no-passphrase). The current one comes from CIPHERLINE_PASSPHRASE"
                    + " or the terminal, the new one from CIPHERLINE_NEW_PASSPHRASE or the terminal"
                    + " (asked twice).",
            "Only the store's key is re-wrapped; messages and keys are not re-encrypted."
        })
final class PassphraseCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Option(
            names = "--remove",
            description =
                    "Remove the passphrase: anyone who can read the home directory can then read"
                            + " the messages.")
    private boolean remove;

    @Override
    public Integer call() {
        Path home = root.home();
        if (!ChatClient.isInitialized(home)) {
            throw new CliError.WrongState(
                    "no account in " + home + "; run 'cipherline init --relay URL' first");
        }
        StoreProtection current = Passphrases.forOpening(root.environment(), home);
        StoreProtection next =
                remove
                        ? StoreProtection.none()
                        : Passphrases.choose(
                                root.environment(), Passphrases.NEW_ENV, "use --remove");
        try {
            ChatClient.changeProtection(home, current, next);
        } finally {
            current.wipe();
            next.wipe();
        }
        spec.commandLine()
                .getErr()
                .println(
                        remove
                                ? "The local store has no passphrase now."
                                : "The passphrase was changed.");
        return 0;
    }
}
