package dev.cipherline.cli.internal.command;

import static dev.cipherline.cli.internal.command.Converters.seconds;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Group;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cipherline read NAME}: marks a conversation read and sends the read receipt. */
@Command(
        name = "read",
        mixinStandardHelpOptions = true,
        description = {
            "Marks every message received from NAME read, and exits once the relay has accepted"
                    + " the encrypted read receipt for them.",
            "Only messages already fetched (by recv or any other command) are marked. A receipt"
                    + " not yet accepted stays in the outbox and is sent by the next command that"
                    + " connects."
        })
final class ReadCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;

    @Parameters(index = "0", paramLabel = "NAME", description = "A contact name or an account ID.")
    private String name;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            converter = Converters.SecondsConverter.class,
            description =
                    "How long to wait for the relay to accept the receipt (default:"
                            + " ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Override
    public Integer call() {
        if (timeout.isZero()) {
            throw new CliError.Usage("--timeout must be more than 0 seconds");
        }
        // no listener: messages arriving meanwhile are stored but stay for recv
        try (ChatClient client = root.open()) {
            Optional<Group> group = Peers.group(client, name);
            if (group.isPresent()) {
                client.groups().markRead(group.get().id());
            } else {
                client.markRead(client.contacts().resolve(name));
            }
            // the receipt joins whatever else waits in the outbox; all of it goes out first
            if (client.flush(timeout) > 0) {
                URI relay = client.whoami().relayUrl();
                String why =
                        client.connectionState() == ConnectionState.CONNECTED
                                ? "the relay at " + relay + " did not accept the read receipt"
                                : "could not reach the relay at " + relay;
                throw new CliError.Unreachable(
                        why
                                + " within "
                                + seconds(timeout)
                                + "; it stays queued in the outbox and will be sent by the next"
                                + " command that connects");
            }
        }
        return 0;
    }
}
