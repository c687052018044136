package dev.cipherline.cli.internal.chat;

import dev.cipherline.cli.internal.output.TerminalText;
import dev.cipherline.cli.internal.output.Timers;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Conversation;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.StoredMessage;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders a {@link ChatView} into the lines of one screen: a header, the body (the conversation
 * list or the open conversation, then any notices) and a status line; the input prompt takes the
 * last row. Pure: no terminal, no clock, no SDK calls. Text from other people goes through {@link
 * TerminalText#safe}, so a message cannot move the cursor or span lines.
 */
final class ScreenRenderer {
    /** Rows that are not body: header, status line, prompt. */
    static final int CHROME_ROWS = 3;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    /** One frame: every line fits the width; header + body + status fill all rows but the last. */
    record Frame(String header, List<String> body, String status) {
        /** Returns all lines, top to bottom. */
        List<String> lines() {
            List<String> lines = new ArrayList<>(body.size() + 2);
            lines.add(header);
            lines.addAll(body);
            lines.add(status);
            return lines;
        }
    }

    private ScreenRenderer() {}

    /** Renders {@code view}; a terminal too small still gets one body row. */
    static Frame render(ChatView view) {
        int width = Math.max(20, view.width());
        int bodyRows = Math.max(1, view.height() - CHROME_ROWS);
        List<String> content = new ArrayList<>();
        if (view.openPeer() == null && view.openGroup() == null) {
            content.addAll(conversationList(view));
        } else {
            for (StoredMessage message : view.messages()) {
                content.addAll(wrap(messageLine(view, message), width));
            }
            if (view.messages().isEmpty()) {
                content.add("No messages with " + view.openName() + " yet. Type to send one.");
            }
        }
        List<String> notices = new ArrayList<>();
        for (String notice : view.notices()) {
            notices.addAll(wrap(notice, width));
        }
        List<String> body = fit(content, notices, bodyRows);
        return new Frame(fitWidth(header(view), width), body, fitWidth(status(view), width));
    }

    /** Renders one message: {@code HH:mm sender: text}, plus the ticks after one of ours. */
    static String messageLine(ChatView view, StoredMessage message) {
        if (message.direction() == Direction.NOTE) {
            return TIME.format(message.sentAt().atZone(view.zone()))
                    + " -- "
                    + oneLine(message.text())
                    + " --";
        }
        boolean incoming = message.direction() == Direction.INCOMING;
        String line =
                TIME.format(message.sentAt().atZone(view.zone()))
                        + " "
                        + (!incoming
                                ? "me"
                                : view.openGroup() != null
                                        ? view.senderNames()
                                                .getOrDefault(
                                                        message.peer().value(),
                                                        shortId(message.peer().value()))
                                        : view.openName())
                        + ": "
                        + oneLine(message.text());
        if (incoming) {
            return line;
        }
        String mark = view.groupMarks().get(message.id().value());
        return line + "  " + (mark != null ? mark : Ticks.of(message.state()));
    }

    /** Renders one row of the conversation list: name, unread count, time of last activity. */
    static String conversationLine(ChatView view, Conversation conversation) {
        String name = displayName(conversation);
        String unread =
                conversation.unreadCount() == 0 ? "" : conversation.unreadCount() + " unread";
        return String.format(
                Locale.ROOT,
                "  %-20s %-10s %s",
                name,
                unread,
                TIME.format(conversation.lastActivity().atZone(view.zone())));
    }

    /** The name a conversation is shown under: its contact name, else the start of the ID. */
    static String displayName(Conversation conversation) {
        return conversation.contactName() != null
                ? oneLine(conversation.contactName())
                : shortId(conversation.peer().value());
    }

    /** Shortens an account ID for display; {@code /open} also takes the full ID. */
    static String shortId(String accountId) {
        return accountId.length() <= 12 ? accountId : accountId.substring(0, 12) + "…";
    }

    private static List<String> conversationList(ChatView view) {
        List<String> lines = new ArrayList<>();
        if (view.conversations().isEmpty() && view.groups().isEmpty()) {
            lines.add(
                    "No conversations yet. /contacts lists your contacts; /open NAME starts one.");
            return lines;
        }
        lines.add("Conversations (/open NAME):");
        for (Conversation conversation : view.conversations()) {
            lines.add(conversationLine(view, conversation));
        }
        for (Group group : view.groups()) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "  #%-19s %-10s %d members",
                            oneLine(group.name()),
                            view.groupMarks().getOrDefault(group.id().value(), ""),
                            group.members().size()));
        }
        return lines;
    }

    private static String header(ChatView view) {
        String where =
                view.openPeer() == null && view.openGroup() == null
                        ? "conversations"
                        : view.openName();
        String timer =
                view.openTimer().isZero()
                        ? ""
                        : " · disappearing after " + Timers.describe(view.openTimer());
        return "cipherline · "
                + oneLine(view.self())
                + " · "
                + where
                + timer
                + "   (/help for commands)";
    }

    /** The status line: connection, who is typing, and unread counts of other conversations. */
    static String status(ChatView view) {
        List<String> parts = new ArrayList<>();
        parts.add(connection(view.connection()));
        if (view.openPeer() != null && view.peerTyping()) {
            parts.add(view.openName() + " is typing…");
        }
        String unread =
                view.conversations().stream()
                        .filter(c -> c.unreadCount() > 0 && !c.peer().equals(view.openPeer()))
                        .map(c -> displayName(c) + " " + c.unreadCount())
                        .collect(Collectors.joining(", "));
        if (!unread.isEmpty()) {
            parts.add("unread: " + unread);
        }
        return "-- " + String.join(" | ", parts) + " --";
    }

    private static String connection(ConnectionState state) {
        return switch (state) {
            case CONNECTED -> "connected";
            case CONNECTING -> "connecting…";
            default -> state.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    /** Keeps the notices and as many of the newest content lines as fit above them. */
    private static List<String> fit(List<String> content, List<String> notices, int rows) {
        List<String> shownNotices =
                notices.size() > rows
                        ? notices.subList(notices.size() - rows, notices.size())
                        : notices;
        int contentRows = rows - shownNotices.size();
        List<String> body = new ArrayList<>(rows);
        body.addAll(content.subList(Math.max(0, content.size() - contentRows), content.size()));
        while (body.size() < contentRows) {
            body.add("");
        }
        body.addAll(shownNotices);
        return body;
    }

    private static List<String> wrap(String line, int width) {
        List<String> rows = new ArrayList<>();
        String rest = line;
        while (rest.length() > width) {
            rows.add(rest.substring(0, width));
            rest = rest.substring(width);
        }
        rows.add(rest);
        return rows;
    }

    private static String fitWidth(String line, int width) {
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }

    private static String oneLine(String text) {
        return TerminalText.safe(text).replace('\t', ' ');
    }
}
