package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.output.Output;
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
        subcommands = {ContactCommand.Add.class, ContactCommand.ListContacts.class})
final class ContactCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command: add or list");
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
}
