package dev.cipherline.cli.internal.output;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.DeviceInfo;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.SafetyNumber;
import dev.cipherline.sdk.StoredMessage;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The default writer, for people at a terminal. Text that came from someone else is passed through
 * {@link #safe} so that a message can neither span lines nor send escape sequences to the terminal.
 */
final class HumanOutput implements Output {
    private final PrintWriter out;

    HumanOutput(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void account(AccountInfo account) {
        out.println("Account ID  " + account.accountId().value());
        out.println("Device      " + account.deviceId());
        out.println("Name        " + (account.name() == null ? "-" : safe(account.name())));
        out.println(
                "Relay       "
                        + String.join(
                                ", ", account.relayUrls().stream().map(Object::toString).toList()));
        out.flush();
    }

    @Override
    public void contacts(List<Contact> contacts) {
        int width = contacts.stream().mapToInt(c -> safe(c.name()).length()).max().orElse(0);
        for (Contact contact : contacts) {
            String name = safe(contact.name());
            out.println(
                    name
                            + " ".repeat(width - name.length() + 2)
                            + contact.accountId().value()
                            + (contact.verified() ? "  verified" : "")
                            + (contact.identityChangedFrom() == null
                                    ? ""
                                    : "  identity changed (was "
                                            + contact.identityChangedFrom().value()
                                            + "; messages held)"));
        }
        out.flush();
    }

    /**
     * Prints one line per device: its ID, its name (or {@code -}), when it was linked, when it was
     * last seen (or {@code never}), and {@code (this device)} for the one running the command.
     */
    @Override
    public void devices(List<DeviceInfo> devices) {
        for (DeviceInfo d : devices) {
            out.println(
                    String.format("%3d", d.deviceId())
                            + "  "
                            + (d.name() == null ? "-" : safe(d.name()))
                            + "  linked "
                            + d.linkedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + "  last seen "
                            + (d.lastSeen() == null
                                    ? "never"
                                    : d.lastSeen()
                                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                            .toString())
                            + (d.thisDevice() ? "  (this device)" : ""));
        }
        out.flush();
    }

    /**
     * Prints the number as three lines of four groups, then whether it is verified and what to do.
     */
    @Override
    public void safetyNumber(String name, SafetyNumber number) {
        String who = safe(name);
        out.println("Safety number with " + who + " (" + number.peer().value() + "):");
        out.println();
        number.formatted().lines().forEach(line -> out.println("    " + line));
        out.println();
        if (number.verified()) {
            out.println("Verified.");
        } else {
            out.println(
                    "Not verified. Compare it with "
                            + who
                            + " in person or over a channel you trust; if it matches, run:");
            out.println("    cipherline verify " + shellWord(who) + " --confirm");
        }
        out.flush();
    }

    /** {@code word} as one shell argument, quoted only when it needs to be. */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9._@+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * Prints one line per group: {@code <name> <id> <n> members admin <account> epoch <n>}, with
     * {@code (left)} when this account is no longer a member.
     */
    @Override
    public void groups(List<Group> groups) {
        int width = groups.stream().mapToInt(g -> safe(g.name()).length()).max().orElse(0);
        for (Group g : groups) {
            String name = safe(g.name());
            out.println(
                    name
                            + " ".repeat(width - name.length() + 2)
                            + g.id().value()
                            + "  "
                            + g.members().size()
                            + " members  admin "
                            + g.admin().value()
                            + "  epoch "
                            + g.epoch()
                            + (g.active() ? "" : "  (left)"));
        }
        out.flush();
    }

    /**
     * Prints {@code Messages with <name> disappear 1 hour after they are read or sent}, or {@code
     * Disappearing messages with <name> are off}.
     */
    @Override
    public void timer(String name, java.time.Duration timer) {
        String who = safe(name);
        out.println(
                timer.isZero()
                        ? "Disappearing messages with " + who + " are off"
                        : "Messages with "
                                + who
                                + " disappear "
                                + Timers.describe(timer)
                                + " after they are read or sent");
        out.flush();
    }

    /**
     * Prints {@code <sentAt> <from>: <text>}, sentAt in UTC to the second; a group message reads
     * {@code <sentAt> <from> in <groupId>: <text>}.
     */
    @Override
    public void message(IncomingMessage message) {
        out.println(
                message.sentAt().truncatedTo(ChronoUnit.SECONDS)
                        + " "
                        + message.from().value()
                        + (message.group() == null ? "" : " in " + message.group().value())
                        + ": "
                        + safe(message.text()));
        out.flush();
    }

    /**
     * Prints {@code <sentAt> <from>: <text>} like {@code recv}, with {@code me} for this account; a
     * message this account sent ends with its state in brackets ({@code [sent]}, {@code
     * [delivered]}, {@code [read]}…), the ticks of a chat app. A note the SDK wrote reads {@code
     * <time> -- <text> --}.
     */
    @Override
    public void stored(AccountId self, StoredMessage message) {
        if (message.direction() == Direction.NOTE) {
            out.println(
                    message.sentAt().truncatedTo(ChronoUnit.SECONDS)
                            + " -- "
                            + safe(message.text())
                            + " --");
            out.flush();
            return;
        }
        boolean incoming = message.direction() == Direction.INCOMING;
        out.println(
                message.sentAt().truncatedTo(ChronoUnit.SECONDS)
                        + " "
                        + (incoming ? message.peer().value() : "me")
                        + ": "
                        + safe(message.text())
                        + (incoming
                                ? ""
                                : "  [" + message.state().name().toLowerCase(Locale.ROOT) + "]"));
        out.flush();
    }

    /**
     * Returns {@code text} with line breaks, other control characters and bidirectional overrides
     * written as visible escapes; see {@link TerminalText#safe}.
     */
    static String safe(String text) {
        return TerminalText.safe(text);
    }
}
