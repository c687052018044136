package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.StoredMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline history NAME}: the newest messages of a conversation, from the local store. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the newest messages exchanged with NAME, oldest first, from the local store"
                    + " (no relay needed), with the delivery state of the messages you sent.",
            "Messages not yet fetched with recv are not shown; it does not mark anything read.",
            "--before ID and --after ID page through older or newer messages; --search TEXT"
                    + " prints the newest messages containing TEXT (ignoring case)."
        })
final class HistoryCommand implements Callable<Integer> {
    static final int MAX_LIMIT = 1000;

    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "A contact name or an account ID.")
    private String name;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "How many messages to print, 1..1000 (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(
            names = "--before",
            paramLabel = "ID",
            description = "Only messages older than the message with this ID.")
    private String before;

    @Option(
            names = "--after",
            paramLabel = "ID",
            description = "Only messages newer than the message with this ID (the oldest of them).")
    private String after;

    @Option(
            names = "--search",
            paramLabel = "TEXT",
            description = "Only messages whose text contains TEXT, ignoring case.")
    private String search;

    @Option(
            names = "--json",
            description =
                    "Print one JSON object a line: id, direction, from, to, text, sentAt,"
                            + " receivedAt, state, failure.")
    private boolean json;

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new CliError.Usage("--limit must be 1.." + MAX_LIMIT);
        }
        int given = (before != null ? 1 : 0) + (after != null ? 1 : 0) + (search != null ? 1 : 0);
        if (given > 1) {
            throw new CliError.Usage("give at most one of --before, --after and --search");
        }
        try (ChatClient client = root.open()) {
            Optional<Group> group = Peers.group(client, name);
            if (group.isPresent()) {
                if (after != null || search != null) {
                    throw new CliError.Usage("a group's history takes --limit and --before only");
                }
                List<StoredMessage> page =
                        new ArrayList<>(
                                client.groups()
                                        .history(
                                                group.get().id(),
                                                limit,
                                                before == null ? null : messageId(before)));
                Collections.reverse(page);
                print(client, page);
                return 0;
            }
            AccountId peer = client.contacts().resolve(name);
            List<StoredMessage> page;
            if (after != null) {
                page = client.history().after(peer, messageId(after), limit);
            } else {
                page =
                        new ArrayList<>(
                                search != null
                                        ? client.history().search(peer, search, limit)
                                        : client.history()
                                                .page(
                                                        peer,
                                                        limit,
                                                        before == null ? null : messageId(before)));
                Collections.reverse(page);
            }
            print(client, page);
        }
        return 0;
    }

    private void print(ChatClient client, List<StoredMessage> page) {
        Output output = Output.of(json, spec.commandLine().getOut());
        AccountId self = client.whoami().accountId();
        for (StoredMessage message : page) {
            output.stored(self, message);
        }
    }

    static MessageId messageId(String id) {
        try {
            return new MessageId(id);
        } catch (IllegalArgumentException e) {
            throw new CliError.Usage("'" + id + "' is not a message ID");
        }
    }
}
