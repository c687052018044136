package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.StoreProtection;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline init}: creates the account and prints its ID, alone on one line. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Creates a new account in the home directory, registers this device with the relay"
                    + " and prints the new account ID.",
            "Give the ID to the people who should be able to write to you."
        })
final class InitCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Option(
            names = "--relay",
            required = true,
            paramLabel = "URL[,URL...]",
            split = ",",
            converter = Converters.RelayUrlConverter.class,
            description =
                    "Base URL of the relay, e.g. https://relay.example.org or"
                            + " http://127.0.0.1:7400 (wss:// and ws:// mean the same); for a relay"
                            + " cluster, the URLs of its nodes separated by commas (tried in order;"
                            + " the client moves to the next when its node fails).")
    private List<URI> relays;

    @Option(
            names = "--relay-ca",
            paramLabel = "FILE",
            description =
                    "PEM file of the CA (or self-signed certificate) to trust for an https relay,"
                            + " instead of the system's CAs; kept in the home directory for later"
                            + " commands.")
    private Path relayCa;

    @Option(
            names = "--relay-pin",
            paramLabel = "PIN",
            split = ",",
            description =
                    "Accept the relay only if its certificate chain has this public key:"
                            + " sha256/BASE64 of its SubjectPublicKeyInfo (see docs/OPERATIONS.md"
                            + " for the openssl command). Repeat, or separate by commas, for a"
                            + " backup key. Kept in the home directory for later commands.")
    private List<String> relayPins;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "Display name, kept on this device.")
    private String name;

    @Option(
            names = "--device-name",
            paramLabel = "NAME",
            description =
                    "Name of this device in the account's device list (1-64 bytes; default: the"
                            + " host name).")
    private String deviceName;

    @Option(
            names = "--invite",
            paramLabel = "TOKEN",
            description =
                    "Invite token from the relay's operator, for a relay that admits new accounts"
                            + " with an invite only.")
    private String invite;

    @Option(
            names = "--no-passphrase",
            description =
                    "Do not protect the local store with a passphrase (for throwaway identities:"
                            + " anyone who can read the home directory can read the messages).")
    private boolean noPassphrase;

    @Override
    public Integer call() throws IOException {
        NewHome fresh = newHome(root, relayCa, relayPins, noPassphrase, "identity");
        Path home = fresh.home();
        RelayTrust trust = fresh.trust();
        StoreProtection protection = fresh.protection();
        AccountInfo account;
        try {
            account =
                    ChatClient.initializer()
                            .home(home)
                            .relayUrls(relays)
                            .name(name)
                            .deviceName(DeviceNames.orHostName(deviceName))
                            .protection(protection)
                            .relayTrust(trust)
                            .invite(invite)
                            .initialize();
        } finally {
            protection.wipe();
        }
        RelayTrustFiles.save(home, trust);
        if (noPassphrase) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "warning: the local store has no passphrase; anyone who can read "
                                    + home
                                    + " can read its messages");
        }
        spec.commandLine().getOut().println(account.accountId().value());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The home directory holds private keys, so only its owner may enter it. */
    /** What a command that creates this device's identity in the home folder has settled first. */
    record NewHome(Path home, RelayTrust trust, StoreProtection protection) {}

    /**
     * Checks that the home folder holds no account yet, reads the relay trust files, chooses the
     * store's protection (a passphrase unless {@code noPassphrase}; {@code throwaway} names what a
     * store without one suits, in the hint) and creates the folder, private to this user.
     */
    static NewHome newHome(
            RootCommand root,
            Path relayCa,
            List<String> relayPins,
            boolean noPassphrase,
            String throwaway)
            throws IOException {
        Path home = root.home();
        if (ChatClient.isInitialized(home)) {
            throw new CliError.WrongState("an account already exists in " + home);
        }
        RelayTrust trust = RelayTrustFiles.of(relayCa, relayPins);
        StoreProtection protection =
                noPassphrase
                        ? StoreProtection.none()
                        : Passphrases.choose(
                                root.environment(),
                                Passphrases.ENV,
                                "use --no-passphrase for a throwaway " + throwaway);
        createPrivateDirectory(home);
        return new NewHome(home, trust, protection);
    }

    static void createPrivateDirectory(Path home) throws IOException {
        if (Files.isDirectory(home)) {
            return;
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(
                    home,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(home);
        }
    }
}
