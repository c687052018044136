package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.cli.internal.output.TerminalText;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline contact}: the local address book. */
@Command(
        name = "contact",
        mixinStandardHelpOptions = true,
        description = "Manages the local address book (names are never sent to the relay).",
        subcommands = {
            ContactCommand.Add.class,
            ContactCommand.ListContacts.class,
            ContactCommand.Change.class,
            ContactCommand.Accept.class
        })
final class ContactCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "Missing a command: add, list, change or accept");
    }

    /** {@code cipherline contact add NAME ACCOUNT_ID}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Adds a contact, so that NAME can be used wherever an account ID can.")
    static final class Add implements Callable<Integer> {
        @ParentCommand private ContactCommand contact;

        @Parameters(index = "0", paramLabel = "NAME", description = "Name to use for them.")
        private String name;

        @Parameters(
                index = "1",
                paramLabel = "ACCOUNT_ID",
                converter = Converters.AccountIdConverter.class,
                description = "Their account ID, as printed by their 'cipherline whoami'.")
        private AccountId accountId;

        @Override
        public Integer call() {
            try (ChatClient client = contact.root.open()) {
                client.contacts().add(name, accountId);
            }
            return 0;
        }
    }

    /** {@code cipherline contact list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the contacts, sorted by name.")
    static final class ListContacts implements Callable<Integer> {
        @ParentCommand private ContactCommand contact;
        @Spec private CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON array of objects: name, accountId.")
        private boolean json;

        @Override
        public Integer call() {
            try (ChatClient client = contact.root.open()) {
                Output.of(json, spec.commandLine().getOut()).contacts(client.contacts().list());
            }
            return 0;
        }
    }

    /** {@code cipherline contact change NAME NEW_ACCOUNT_ID}. */
    @Command(
            name = "change",
            mixinStandardHelpOptions = true,
            description = {
                "Points NAME to a new account ID, when the person started over with a new"
                        + " identity. The history with the old ID stays (history OLD_ID). Messages"
                        + " to NAME then wait until you verify the new safety number (verify NAME"
                        + " --confirm) or accept it (contact accept NAME)."
            })
    static final class Change implements Callable<Integer> {
        @ParentCommand private ContactCommand contact;
        @Spec private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The contact's name.")
        private String name;

        @Parameters(
                index = "1",
                paramLabel = "NEW_ACCOUNT_ID",
                converter = Converters.AccountIdConverter.class,
                description = "Their new account ID.")
        private AccountId accountId;

        @Override
        public Integer call() {
            try (ChatClient client = contact.root.open()) {
                client.verification().changeIdentity(name, accountId);
            }
            spec.commandLine()
                    .getErr()
                    .println(
                            "The identity of "
                                    + TerminalText.safe(name)
                                    + " changed. Messages to them wait until you compare the new"
                                    + " safety number (cipherline verify NAME) and confirm it, or"
                                    + " run: cipherline contact accept NAME");
            return 0;
        }
    }

    /** {@code cipherline contact accept NAME}. */
    @Command(
            name = "accept",
            mixinStandardHelpOptions = true,
            description =
                    "Accepts the changed identity of NAME without verifying it; held messages are"
                            + " sent by the next command that connects.")
    static final class Accept implements Callable<Integer> {
        @ParentCommand private ContactCommand contact;

        @Parameters(index = "0", paramLabel = "NAME", description = "The contact's name.")
        private String name;

        @Override
        public Integer call() {
            try (ChatClient client = contact.root.open()) {
                if (!client.verification().acceptIdentityChange(client.contacts().resolve(name))) {
                    throw new CliError.Rejected(
                            "no identity change of " + name + " is waiting to be accepted");
                }
            }
            return 0;
        }
    }
}
