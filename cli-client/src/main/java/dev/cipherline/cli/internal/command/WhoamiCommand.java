package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.ChatClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline whoami}: prints this device's account. */
@Command(
        name = "whoami",
        mixinStandardHelpOptions = true,
        description = "Prints the account ID, device ID, name and relay of this account.")
final class WhoamiCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Option(
            names = "--json",
            description = "Print one JSON object: accountId, deviceId, name, relay.")
    private boolean json;

    @Override
    public Integer call() {
        try (ChatClient client = root.open()) {
            Output.of(json, spec.commandLine().getOut()).account(client.whoami());
        }
        return 0;
    }
}
