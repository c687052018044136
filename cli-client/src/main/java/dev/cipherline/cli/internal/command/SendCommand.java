package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cipherline send}: queues messages in the outbox and waits until the relay accepted them.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Sends TEXT to TO and exits once the relay has stored it for delivery.",
            "With --stdin, sends each line of standard input as one message, in order (empty"
                    + " lines are skipped), and exits once the relay has accepted all of them.",
            "With --file, sends the file PATH (end-to-end encrypted, uploaded to the relay) with"
                    + " TEXT, if given, as its caption.",
            "A message not yet accepted stays in the outbox and is sent by the next command"
                    + " that connects."
        })
final class SendCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;

    @Parameters(
            index = "0",
            paramLabel = "TO",
            description =
                    "A contact name, an account ID, or the name or ID of a group (a contact of the"
                            + " same name wins).")
    private String to;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TEXT", description = "The message.")
    private String text;

    @Option(names = "--stdin", description = "Read the messages from standard input.")
    private boolean stdin;

    @Option(
            names = "--file",
            paramLabel = "PATH",
            description =
                    "Send this file, encrypted on this device (the relay takes up to 100 MiB by"
                            + " default); TEXT becomes its caption.")
    private Path file;

    @Option(
            names = "--type",
            paramLabel = "MEDIA-TYPE",
            description =
                    "The file's media type, such as image/png (default: guessed from its name,"
                            + " else none).")
    private String mediaType;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            converter = Converters.SecondsConverter.class,
            description =
                    "How long to wait for the relay to accept the next message (default:"
                            + " ${DEFAULT-VALUE}).")
    private Duration timeout;

    @Override
    public Integer call() throws IOException {
        if (file != null) {
            return sendFile();
        }
        List<String> texts = texts();
        SessionListener session = new SessionListener(message -> {}, warning -> {});
        // messages arriving while we send stay unseen, for the next `recv` to print
        try (ChatClient client = root.builder().listener(session).handOverMessages(false).build()) {
            List<CompletableFuture<MessageState>> accepted = new ArrayList<>();
            if (isGroup(client)) {
                GroupId group = client.groups().resolve(to);
                for (String message : texts) {
                    accepted.add(client.groups().send(group, message).accepted());
                }
            } else {
                AccountId peer = client.contacts().resolve(to);
                for (String message : texts) {
                    accepted.add(client.send(peer, message).accepted());
                }
            }
            awaitAccepted(client, session, accepted);
        }
        return 0;
    }

    private int sendFile() {
        if (stdin) {
            throw new CliError.Usage("give either --file or --stdin, not both");
        }
        if (timeout.isZero()) {
            throw new CliError.Usage("--timeout must be more than 0 seconds");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliError.Usage("cannot read the file " + file);
        }
        String type = mediaType;
        if (type == null) {
            try {
                type = Files.probeContentType(file);
            } catch (IOException e) {
                type = null;
            }
        }
        SessionListener session = new SessionListener(message -> {}, warning -> {});
        try (ChatClient client = root.builder().listener(session).handOverMessages(false).build()) {
            CompletableFuture<OutgoingMessage> queued =
                    isGroup(client)
                            ? client.groups()
                                    .sendFile(client.groups().resolve(to), file, type, text)
                            : client.sendFile(client.contacts().resolve(to), file, type, text);
            OutgoingMessage sent;
            try {
                // the upload gives up by itself after repeated failures
                sent = queued.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliError.Unreachable("interrupted while uploading the file");
            }
            awaitAccepted(client, session, List.of(sent.accepted()));
        }
        return 0;
    }

    private boolean isGroup(ChatClient client) {
        if (client.contacts().list().stream().anyMatch(c -> c.name().equals(to))) {
            return false;
        }
        return client.groups().list().stream()
                .anyMatch(g -> g.active() && (g.name().equals(to) || g.id().value().equals(to)));
    }

    /** Waits while the relay makes progress: --timeout bounds each wait, not a whole batch. */
    private void awaitAccepted(
            ChatClient client,
            SessionListener session,
            List<CompletableFuture<MessageState>> accepted) {
        CompletableFuture<Void> all = Await.allUnlessFailed(accepted, session.fatal());
        long pending = accepted.size();
        while (true) {
            try {
                Await.within(all, timeout);
                return;
            } catch (TimeoutException e) {
                long stillPending = accepted.stream().filter(f -> !f.isDone()).count();
                if (stillPending >= pending) {
                    throw new CliError.Unreachable(
                            timeoutSentence(client, session, stillPending, accepted.size()));
                }
                pending = stillPending;
            }
        }
    }

    private List<String> texts() throws IOException {
        if (stdin == (text != null)) {
            throw new CliError.Usage(
                    stdin
                            ? "give either TEXT or --stdin, not both"
                            : "missing the message: give TEXT or --stdin");
        }
        if (timeout.isZero()) {
            throw new CliError.Usage("--timeout must be more than 0 seconds");
        }
        if (!stdin) {
            return List.of(text);
        }
        BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(root.environment().stdin(), StandardCharsets.UTF_8));
        return reader.lines().filter(line -> !line.isEmpty()).toList();
    }

    private String timeoutSentence(
            ChatClient client, SessionListener session, long pending, int total) {
        String what = total == 1 ? "the message" : "all messages";
        return session.whyTimedOut(client.whoami().relayUrl(), timeout, "accept " + what)
                + "; "
                + (total == 1 ? "it stays" : pending + " of " + total + " messages stay")
                + " queued in the outbox and will be sent by the next command that connects";
    }
}
