package dev.cipherline.cli.internal.command;

import static dev.cipherline.cli.internal.command.Converters.seconds;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Group;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline timer NAME [1h|off]}: shows or sets a conversation's disappearing timer. */
@Command(
        name = "timer",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the disappearing-message timer of the conversation with NAME (a contact, an"
                    + " account ID or a group), or sets it to TIMER: messages are then deleted"
                    + " from every device of both sides that long after they were read (received"
                    + " ones) or sent (your own), and the relay keeps them no longer.",
            "Setting it tells the other side's devices and your other devices, end-to-end"
                    + " encrypted; both histories get a note. It exits once the relay has accepted"
                    + " the setting."
        })
final class TimerCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;

    @Spec private CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description = "A contact name, an account ID, or a group's name or ID.")
    private String name;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "TIMER",
            converter = Converters.TimerConverter.class,
            description = "off, or 30s, 5m, 1h, 1d, 1w (1 second .. 365 days); omit to show it.")
    private Duration timer;

    @Option(names = "--json", description = "Print one JSON object: name, seconds (0: off).")
    private boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            converter = Converters.SecondsConverter.class,
            description =
                    "How long to wait for the relay to accept the setting (default:"
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
            Duration current;
            if (timer != null) {
                if (group.isPresent()) {
                    client.groups().setDisappearingTimer(group.get().id(), timer);
                } else {
                    client.setDisappearingTimer(client.contacts().resolve(name), timer);
                }
                current = timer;
                if (client.flush(timeout) > 0) {
                    URI relay = client.whoami().relayUrl();
                    String why =
                            client.connectionState() == ConnectionState.CONNECTED
                                    ? "the relay at " + relay + " did not accept the setting"
                                    : "could not reach the relay at " + relay;
                    throw new CliError.Unreachable(
                            why
                                    + " within "
                                    + seconds(timeout)
                                    + "; it is set here and stays queued in the outbox for the"
                                    + " next command that connects");
                }
            } else if (group.isPresent()) {
                current = client.groups().disappearingTimer(group.get().id());
            } else {
                current = client.disappearingTimer(client.contacts().resolve(name));
            }
            Output.of(json, spec.commandLine().getOut()).timer(name, current);
        }
        return 0;
    }
}
