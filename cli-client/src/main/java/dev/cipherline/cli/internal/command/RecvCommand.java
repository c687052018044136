package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.cli.internal.error.ErrorMapper;
import dev.cipherline.cli.internal.output.Output;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.IncomingMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cipherline recv}: prints the waiting messages, then listens for a while. */
@Command(
        name = "recv",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every message that arrived since the last recv, one per line, then keeps"
                    + " listening for --wait more seconds.",
            "Each message is printed exactly once. Notes the SDK writes meanwhile (such as"
                    + " messages that expired before this device came online) are printed as"
                    + " history prints them.",
            "With --download-dir, the files of the messages are fetched, checked and saved there"
                    + " under the sender's file name made safe (no folders, no control"
                    + " characters), never overwriting a file: \"name (1).ext\" and so on."
        })
final class RecvCommand implements Callable<Integer> {
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final Duration RECEIPT_GRACE = Duration.ofSeconds(5);

    @ParentCommand private RootCommand root;
    @Spec private CommandSpec spec;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            defaultValue = "0",
            converter = Converters.SecondsConverter.class,
            description = "Keep listening this long after the backlog (default: ${DEFAULT-VALUE}).")
    private Duration wait;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            converter = Converters.SecondsConverter.class,
            description = "How long to wait for the backlog (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Option(
            names = "--download-dir",
            paramLabel = "DIR",
            description = "Save the files of the printed messages in this folder.")
    private Path downloadDir;

    @Option(
            names = "--json",
            description =
                    "Print one JSON object a line: id, from, fromDevice, text, sentAt,"
                            + " receivedAt.")
    private boolean json;

    @Override
    public Integer call() throws InterruptedException {
        if (timeout.isZero()) {
            throw new CliError.Usage("--timeout must be more than 0 seconds");
        }
        if (downloadDir != null && !Files.isDirectory(downloadDir)) {
            throw new CliError.Usage("--download-dir " + downloadDir + " is not a folder");
        }
        Output output = Output.of(json, spec.commandLine().getOut());
        List<IncomingMessage> withFiles = new CopyOnWriteArrayList<>();
        SessionListener session =
                new SessionListener(
                        message -> {
                            output.message(message);
                            if (message.attachment() != null && downloadDir != null) {
                                withFiles.add(message);
                            }
                        },
                        warning -> ErrorMapper.warn(spec.commandLine().getErr(), warning));
        try (ChatClient client = root.open(session)) {
            AccountId self = client.whoami().accountId();
            session.notes(note -> output.stored(self, note));
            try {
                Await.within(
                        Await.allUnlessFailed(List.of(client.synced()), session.fatal()), timeout);
            } catch (TimeoutException e) {
                throw new CliError.Unreachable(
                        session.whyTimedOut(
                                client.whoami().relayUrl(),
                                timeout,
                                "deliver the waiting messages"));
            }
            Await.listen(session.fatal(), wait);
            int failed = 0;
            for (IncomingMessage message : withFiles) {
                try {
                    output.saved(message, Downloads.save(client, message, downloadDir));
                } catch (ChatException e) {
                    failed++;
                    ErrorMapper.warn(spec.commandLine().getErr(), e);
                }
            }
            if (failed > 0) {
                throw new CliError.Rejected(
                        failed + " of " + withFiles.size() + " files could not be saved");
            }
            // the delivery receipts for what was printed: best effort, the outbox keeps the rest
            client.flush(RECEIPT_GRACE);
        }
        session.awaitClosed(CLOSE_GRACE);
        return 0;
    }
}
