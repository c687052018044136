package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Devices;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline device}: the devices of the account. */
@Command(
        name = "device",
        mixinStandardHelpOptions = true,
        description = "Links, lists, renames and removes the devices of the account.",
        subcommands = {
            DeviceCommand.Add.class,
            DeviceCommand.ListDevices.class,
            DeviceCommand.Rename.class,
            DeviceCommand.Remove.class
        })
final class DeviceCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "Missing a command: add, list, rename or remove");
    }

    /** {@code cipherline device add URI [--yes]}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Answers the link URI a new device printed ('cipherline link'): shows the new"
                        + " device's fingerprint, asks whether it matches the one the new device"
                        + " shows, then sends it this account (identity, profile, contacts,"
                        + " verified safety numbers, groups, this device's name), end-to-end"
                        + " encrypted. Prints the new device's ID."
            })
    static final class Add implements Callable<Integer> {
        @ParentCommand private DeviceCommand device;
        @Spec private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "URI", description = "The link URI.")
        private String uri;

        @Option(
                names = "--yes",
                description =
                        "Do not ask: the fingerprint was compared already (for scripts; it is"
                                + " still printed).")
        private boolean yes;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (ChatClient client = device.root.open()) {
                Devices.OutgoingLink link = client.devices().link(uri);
                err.println("Fingerprint: " + link.fingerprint());
                if (!yes) {
                    err.print("Does the new device show this fingerprint? [y/N] ");
                    err.flush();
                    if (!confirmed()) {
                        link.decline();
                        throw new ChatException(
                                ChatException.Reason.LINK_DECLINED,
                                "the link was declined: nothing was sent to the new device");
                    }
                }
                int id = link.confirm();
                out.println(id);
                out.flush();
            }
            return 0;
        }

        private boolean confirmed() throws IOException {
            BufferedReader reader =
                    new BufferedReader(
                            new InputStreamReader(
                                    device.root.environment().stdin(), StandardCharsets.UTF_8));
            String answer = reader.readLine();
            return answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
        }
    }

    /** {@code cipherline device list [--json]}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the account's devices: ID, name, when linked, when last seen.")
    static final class ListDevices implements Callable<Integer> {
        @ParentCommand private DeviceCommand device;
        @Spec private CommandSpec spec;

        @Option(
                names = "--json",
                description =
                        "Print one JSON array of objects: deviceId, name, linkedAt, lastSeen,"
                                + " thisDevice.")
        private boolean json;

        @Override
        public Integer call() {
            try (ChatClient client = device.root.open()) {
                Output.of(json, spec.commandLine().getOut()).devices(client.devices().list());
            }
            return 0;
        }
    }

    /** {@code cipherline device rename NAME}. */
    @Command(
            name = "rename",
            mixinStandardHelpOptions = true,
            description = {
                "Renames this device (1-64 bytes in UTF-8): the name shows in the device list of"
                        + " every device of the account, which learn it end-to-end encrypted."
            })
    static final class Rename implements Callable<Integer> {
        @ParentCommand private DeviceCommand device;
        @Spec private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The new name.")
        private String name;

        @Override
        public Integer call() {
            try (ChatClient client = device.root.open()) {
                client.devices().rename(name);
                client.flush(java.time.Duration.ofSeconds(10));
            }
            spec.commandLine().getErr().println("Renamed this device.");
            return 0;
        }
    }

    /** {@code cipherline device remove ID}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Removes device ID from the account: the relay deletes its keys and queued"
                        + " messages and cuts it off at once. Removing this device unlinks it."
            })
    static final class Remove implements Callable<Integer> {
        @ParentCommand private DeviceCommand device;
        @Spec private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The device ID, 1..127.")
        private int deviceId;

        @Override
        public Integer call() {
            try (ChatClient client = device.root.open()) {
                client.devices().remove(deviceId);
            }
            spec.commandLine().getErr().println("Removed device " + deviceId + ".");
            return 0;
        }
    }
}
