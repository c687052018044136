package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ConnectionState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline group}: end-to-end encrypted groups. */
@Command(
        name = "group",
        mixinStandardHelpOptions = true,
        description = {
            "Manages groups. Membership changes are end-to-end encrypted messages to every member;"
                    + " only the group's admin (its creator) adds and removes members.",
            "Send to a group with 'cipherline send NAME TEXT'."
        },
        subcommands = {
            GroupCommand.Create.class,
            GroupCommand.Add.class,
            GroupCommand.Remove.class,
            GroupCommand.Leave.class,
            GroupCommand.ListGroups.class
        })
final class GroupCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "Missing a command: create, add, remove, leave or list");
    }

    /** Contact names or account IDs as accounts, in order. */
    private static List<AccountId> accounts(ChatClient client, List<String> members) {
        return members.stream().map(client.contacts()::resolve).toList();
    }

    /** Options shared by the commands that send a membership change. */
    static final class Change {
        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                defaultValue = "30",
                converter = Converters.SecondsConverter.class,
                description =
                        "How long to wait for the relay to accept the change (default:"
                                + " ${DEFAULT-VALUE}).")
        Duration timeout;

        /** Opens the account, applies {@code change} and waits until the relay accepted it. */
        void run(RootCommand root, Consumer<ChatClient> change) {
            if (timeout.isZero()) {
                throw new CliError.Usage("--timeout must be more than 0 seconds");
            }
            try (ChatClient client = root.open()) {
                change.accept(client);
                if (client.flush(timeout) > 0) {
                    String why =
                            client.connectionState() == ConnectionState.CONNECTED
                                    ? "the relay at "
                                            + client.whoami().relayUrl()
                                            + " did not accept the change"
                                    : "could not reach the relay at " + client.whoami().relayUrl();
                    throw new CliError.Unreachable(
                            why
                                    + " in time; it stays queued in the outbox and will be sent by"
                                    + " the next command that connects");
                }
            }
        }
    }

    /** {@code cipherline group create NAME MEMBER...}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Creates a group with you as its admin and tells every member.")
    static final class Create implements Callable<Integer> {
        @ParentCommand private GroupCommand group;

        @Parameters(index = "0", paramLabel = "NAME", description = "The group's name.")
        private String name;

        @Parameters(
                index = "1..*",
                arity = "1..*",
                paramLabel = "MEMBER",
                description = "Contact names or account IDs.")
        private List<String> members;

        @picocli.CommandLine.Mixin private Change change = new Change();

        @Override
        public Integer call() {
            change.run(
                    group.root, client -> client.groups().create(name, accounts(client, members)));
            return 0;
        }
    }

    /** {@code cipherline group add NAME MEMBER...}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Adds members to a group you administer.")
    static final class Add implements Callable<Integer> {
        @ParentCommand private GroupCommand group;

        @Parameters(index = "0", paramLabel = "NAME", description = "The group's name or ID.")
        private String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "MEMBER")
        private List<String> members;

        @picocli.CommandLine.Mixin private Change change = new Change();

        @Override
        public Integer call() {
            change.run(
                    group.root,
                    client ->
                            client.groups()
                                    .addMembers(
                                            client.groups().resolve(name),
                                            accounts(client, members)));
            return 0;
        }
    }

    /** {@code cipherline group remove NAME MEMBER...}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Removes members from a group you administer.",
                "Every remaining member then uses a new key, so removed members cannot read what"
                        + " is sent after the removal."
            })
    static final class Remove implements Callable<Integer> {
        @ParentCommand private GroupCommand group;

        @Parameters(index = "0", paramLabel = "NAME", description = "The group's name or ID.")
        private String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "MEMBER")
        private List<String> members;

        @picocli.CommandLine.Mixin private Change change = new Change();

        @Override
        public Integer call() {
            change.run(
                    group.root,
                    client ->
                            client.groups()
                                    .removeMembers(
                                            client.groups().resolve(name),
                                            accounts(client, members)));
            return 0;
        }
    }

    /** {@code cipherline group leave NAME}. */
    @Command(
            name = "leave",
            mixinStandardHelpOptions = true,
            description = "Leaves a group; its admin publishes the membership without you.")
    static final class Leave implements Callable<Integer> {
        @ParentCommand private GroupCommand group;

        @Parameters(index = "0", paramLabel = "NAME", description = "The group's name or ID.")
        private String name;

        @picocli.CommandLine.Mixin private Change change = new Change();

        @Override
        public Integer call() {
            change.run(group.root, client -> client.groups().leave(client.groups().resolve(name)));
            return 0;
        }
    }

    /** {@code cipherline group list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists your groups, including ones you left, sorted by name.")
    static final class ListGroups implements Callable<Integer> {
        @ParentCommand private GroupCommand group;
        @Spec private CommandSpec spec;

        @Option(
                names = "--json",
                description =
                        "Print one JSON array of objects: id, name, admin, epoch, members,"
                                + " active.")
        private boolean json;

        @Override
        public Integer call() {
            try (ChatClient client = group.root.open()) {
                Output.of(json, spec.commandLine().getOut()).groups(client.groups().list());
            }
            return 0;
        }
    }
}
