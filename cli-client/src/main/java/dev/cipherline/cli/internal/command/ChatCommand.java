package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.chat.ChatSession;
import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.ChatClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cipherline chat}: the interactive terminal chat. */
@Command(
        name = "chat",
        mixinStandardHelpOptions = true,
        description = {
            "Opens an interactive chat in this terminal: the conversation list with unread"
                    + " counts, conversations with delivery ticks (✓ sent, ✓✓ delivered, ✓✓ read)"
                    + " and typing indicators.",
            "Commands: /open NAME, /list, /contacts, /add NAME ACCOUNT_ID, /help, /quit. Any other"
                    + " line is sent to the open conversation."
        })
final class ChatCommand implements Callable<Integer> {
    @ParentCommand private RootCommand root;

    @Override
    public Integer call() {
        try (Terminal terminal = openTerminal();
                ChatSession session =
                        new ChatSession(lineReader(terminal), Clock.systemDefaultZone());
                ChatClient client = root.open(session.listener())) {
            session.run(client);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }

    private static Terminal openTerminal() throws IOException {
        Terminal terminal =
                TerminalBuilder.builder()
                        .system(true)
                        .dumb(true)
                        .encoding(StandardCharsets.UTF_8)
                        .build();
        if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
            terminal.close();
            throw new CliError.Usage(
                    "chat needs an interactive terminal; scripts can use send, recv and history");
        }
        return terminal;
    }

    private static LineReader lineReader(Terminal terminal) {
        return LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("cipherline")
                // a message is sent as typed: no '!' history expansion
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.ERASE_LINE_ON_FINISH, true)
                .build();
    }
}
