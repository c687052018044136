package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cipherline delete NAME ID... | --all}: deletes local history. */
@Command(
        name = "delete",
        mixinStandardHelpOptions = true,
        description = {
            "Deletes messages of the conversation with NAME from this device (IDs as printed by"
                    + " history --json), or the whole conversation with --all. The other side"
                    + " keeps its copy. A message of yours still waiting to be sent is not sent.",
            "Exit 5 if a message ID is not in the conversation (the others are still deleted)."
        })
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;

    @Parameters(index = "0", paramLabel = "NAME", description = "A contact name or an account ID.")
    private String name;

    @Parameters(index = "1..*", paramLabel = "ID", description = "Message IDs to delete.")
    private List<String> ids = List.of();

    @Option(names = "--all", description = "Delete the whole conversation.")
    private boolean all;

    @Override
    public Integer call() {
        if (all == !ids.isEmpty()) {
            throw new CliError.Usage("give message IDs or --all, not both and not neither");
        }
        try (ChatClient client = root.open()) {
            AccountId peer = client.contacts().resolve(name);
            if (all) {
                client.history().deleteConversation(peer);
                return 0;
            }
            int missing = 0;
            for (String id : ids) {
                if (!client.history().delete(peer, HistoryCommand.messageId(id))) {
                    missing++;
                }
            }
            if (missing > 0) {
                throw new CliError.Rejected(
                        missing + " of the message IDs are not in the conversation with " + name);
            }
        }
        return 0;
    }
}
