package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.SafetyNumber;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline verify NAME [--confirm] [--json]}: safety numbers. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the safety number you share with NAME: 60 digits that are the same on both"
                    + " sides. Compare them with NAME in person or over a channel you trust; if"
                    + " they match, run it again with --confirm to mark NAME verified.",
            "Needs NAME's identity key, which this device learns with the first message either"
                    + " way (exit 5 before that). Reads the local store only."
        })
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "A contact name or an account ID.")
    private String name;

    @Option(
            names = "--confirm",
            description = "Mark the safety number verified (after you compared it).")
    private boolean confirm;

    @Option(
            names = "--json",
            description = "Print one JSON object: name, accountId, safetyNumber, verified.")
    private boolean json;

    @Override
    public Integer call() {
        try (ChatClient client = root.open()) {
            AccountId peer = client.contacts().resolve(name);
            SafetyNumber number =
                    confirm
                            ? client.verification().markVerified(peer)
                            : client.verification().safetyNumber(peer);
            Output.of(json, spec.commandLine().getOut()).safetyNumber(name, number);
        }
        return 0;
    }
}
