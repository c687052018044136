package dev.cipherline.cli.internal.chat;

import dev.cipherline.cli.internal.output.Timers;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * One line typed into {@code cipherline chat}, parsed. A line that starts with {@code /} is a
 * command; any other line is a message for the open conversation ({@code //text} sends {@code
 * /text}). Parsing never throws: a malformed command becomes {@link Invalid} with the sentence to
 * show.
 */
sealed interface ChatInput {
    /** The commands, as {@code /help} lists them. */
    String HELP =
            """
            /open NAME              open the conversation with a contact (or an account ID)
            /list                   back to the conversation list
            /contacts               list your contacts
            /add NAME ACCOUNT_ID    add a contact
            /more, PageUp           older messages of the open conversation
            /latest, PageDown       back to the newest
            /verify                 show the safety number of the open conversation
            /verify confirm         mark it verified, after comparing it with them
            /timer 1h|5m|1d|off     set the open conversation's disappearing-message timer
            /help                   this list
            /quit                   leave (Ctrl-D does too)
            any other line          is sent to the open conversation (//text sends /text)""";

    /** An empty or blank line: nothing to do. */
    record Empty() implements ChatInput {}

    /** Text to send to the open conversation. */
    record Send(String text) implements ChatInput {}

    /** {@code /open NAME}. */
    record Open(String name) implements ChatInput {}

    /** {@code /list}. */
    record ListConversations() implements ChatInput {}

    /** {@code /contacts}. */
    record Contacts() implements ChatInput {}

    /** {@code /add NAME ACCOUNT_ID}; the account ID is checked when it is added. */
    record Add(String name, String accountId) implements ChatInput {}

    /** {@code /more}: scroll back one screen. */
    record More() implements ChatInput {}

    /** {@code /latest}: back to the newest messages. */
    record Latest() implements ChatInput {}

    /** {@code /verify} or {@code /verify confirm}. */
    record Verify(boolean confirm) implements ChatInput {}

    /** {@code /timer 1h|off}: the open conversation's disappearing-message timer (zero: off). */
    record Timer(Duration timer) implements ChatInput {}

    /** {@code /help}. */
    record Help() implements ChatInput {}

    /** {@code /quit}. */
    record Quit() implements ChatInput {}

    /** A command that cannot be run, with the one sentence saying why. */
    record Invalid(String reason) implements ChatInput {}

    /** Parses one line as typed (without its line break). */
    static ChatInput parse(String line) {
        if (line.isBlank()) {
            return new Empty();
        }
        if (line.startsWith("//")) {
            return new Send(line.substring(1));
        }
        if (!line.startsWith("/")) {
            return new Send(line);
        }
        String[] words = line.substring(1).strip().split("\\s+");
        String command = words[0].toLowerCase(Locale.ROOT);
        String[] args = Arrays.copyOfRange(words, 1, words.length);
        return switch (command) {
            case "open" ->
                    args.length == 0
                            ? new Invalid("usage: /open NAME")
                            : new Open(String.join(" ", args));
            case "add" ->
                    args.length < 2
                            ? new Invalid("usage: /add NAME ACCOUNT_ID")
                            : new Add(
                                    String.join(" ", Arrays.copyOf(args, args.length - 1)),
                                    args[args.length - 1]);
            case "verify" ->
                    args.length == 0
                            ? new Verify(false)
                            : args.length == 1 && args[0].equalsIgnoreCase("confirm")
                                    ? new Verify(true)
                                    : new Invalid("usage: /verify [confirm]");
            case "timer" -> timer(args);
            case "more" -> noArguments(command, args, new More());
            case "latest" -> noArguments(command, args, new Latest());
            case "list" -> noArguments(command, args, new ListConversations());
            case "contacts" -> noArguments(command, args, new Contacts());
            case "help", "?" -> noArguments(command, args, new Help());
            case "quit", "exit" -> noArguments(command, args, new Quit());
            case "" -> new Invalid("a command name must follow '/'; type /help");
            default -> new Invalid("unknown command /" + command + "; type /help");
        };
    }

    private static ChatInput timer(String[] args) {
        if (args.length != 1) {
            return new Invalid("usage: /timer 30s|5m|1h|1d|1w|off");
        }
        try {
            return new Timer(Timers.parse(args[0]));
        } catch (IllegalArgumentException e) {
            return new Invalid(e.getMessage());
        }
    }

    private static ChatInput noArguments(String command, String[] args, ChatInput input) {
        return args.length == 0 ? input : new Invalid("/" + command + " takes no arguments");
    }
}
