package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.output.QrText;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Linker;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.StoreProtection;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code cipherline link}: makes this home a new device of an existing account. Prints the link URI
 * alone on the first line of stdout (the fingerprint and a QR code go to stderr), waits for an
 * existing device to answer it with {@code device add}, then prints the account ID.
 */
@Command(
        name = "link",
        mixinStandardHelpOptions = true,
        description = {
            "Links this home directory as a new device of an account you already use elsewhere.",
            "Prints a link URI (and its QR code), then waits until an existing device runs"
                    + " 'cipherline device add URI' and the fingerprints match; prints the account"
                    + " ID once linked. The link expires after 10 minutes."
        })
final class LinkCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Option(
            names = "--relay",
            required = true,
            paramLabel = "URL",
            converter = Converters.RelayUrlConverter.class,
            description = "Base URL of the account's relay, as the existing device uses it.")
    private URI relay;

    @Option(
            names = "--relay-ca",
            paramLabel = "FILE",
            description = "PEM file of the CA to trust for an https relay (as for init).")
    private Path relayCa;

    @Option(
            names = "--relay-pin",
            paramLabel = "PIN",
            split = ",",
            description =
                    "Accept the relay only with this public key: sha256/BASE64 (as for init).")
    private List<String> relayPins;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description =
                    "Name of this device in the account's device list (1-64 bytes; default: the"
                            + " host name). The account's display name comes from the device"
                            + " that answers the link.")
    private String name;

    @Option(
            names = "--invite",
            paramLabel = "TOKEN",
            description = "Invite token, for a relay that admits devices with an invite only.")
    private String invite;

    @Option(
            names = "--no-qr",
            description = "Do not draw the QR code (the URI and fingerprint are still printed).")
    private boolean noQr;

    @Option(
            names = "--no-passphrase",
            description = "Do not protect the local store with a passphrase (as for init).")
    private boolean noPassphrase;

    @Override
    public Integer call() throws IOException {
        InitCommand.NewHome fresh =
                InitCommand.newHome(root, relayCa, relayPins, noPassphrase, "device");
        Path home = fresh.home();
        RelayTrust trust = fresh.trust();
        StoreProtection protection = fresh.protection();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AccountInfo account;
        try {
            Linker.PendingLink link =
                    ChatClient.linker()
                            .home(home)
                            .relayUrl(relay)
                            .deviceName(DeviceNames.orHostName(name))
                            .protection(protection)
                            .relayTrust(trust)
                            .invite(invite)
                            .start();
            out.println(link.uri());
            out.flush();
            if (!noQr) {
                err.print(QrText.draw(link.uri()));
            }
            err.println("Fingerprint: " + link.fingerprint());
            err.println(
                    "On a device of the account, run: cipherline device add URI (the line above"
                            + " the QR code), and check that it shows this fingerprint. Waiting"
                            + " until "
                            + link.expiresAt()
                            + "...");
            err.flush();
            Duration left = Duration.between(Instant.now(), link.expiresAt());
            account = link.await(left.isNegative() ? Duration.ZERO : left);
        } finally {
            protection.wipe();
        }
        RelayTrustFiles.save(home, trust);
        err.println("Linked as device " + account.deviceId() + " of this account.");
        err.flush();
        out.println(account.accountId().value());
        out.flush();
        return 0;
    }
}
