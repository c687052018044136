package dev.cipherline.cli.internal.chat;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Conversation;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.Nullable;
import dev.cipherline.sdk.StoredMessage;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * Everything one frame of the chat screen shows, read at one moment; {@link ScreenRenderer} turns
 * it into lines.
 *
 * @param self this account's name, as the header shows it
 * @param openPeer the open conversation's peer, or null on the conversation list
 * @param openName the open peer's display name (a group's: {@code #name}), or null on the list
 * @param messages the newest messages of the open conversation, oldest first, with their latest
 *     known states; empty on the conversation list
 * @param peerTyping whether the open peer is typing
 * @param conversations every conversation, most recent first, with unread counts
 * @param groups the groups this account is in, shown under the conversations
 * @param openGroup the open group, or null
 * @param senderNames display names of a group's members by account ID, for the open group
 * @param groupMarks per group message of ours (by ID) in the open group, "read by N of M"; per
 *     group in the list (by group ID), its unread count
 * @param notices lines answering the last command (help, contacts, an error), shown under the
 *     content until the next command
 * @param width the terminal's columns
 * @param height the terminal's rows
 * @param zone the time zone of the times shown
 * @param openTimer the open conversation's disappearing-message timer, zero when off (or on the
 *     list)
 */
record ChatView(
        String self,
        ConnectionState connection,
        @Nullable AccountId openPeer,
        @Nullable String openName,
        List<StoredMessage> messages,
        boolean peerTyping,
        List<Conversation> conversations,
        List<Group> groups,
        @Nullable Group openGroup,
        Map<String, String> senderNames,
        Map<String, String> groupMarks,
        List<String> notices,
        int width,
        int height,
        ZoneId zone,
        Duration openTimer) {
    /** A view whose open conversation (if any) has no disappearing-message timer. */
    ChatView(
            String self,
            ConnectionState connection,
            @Nullable AccountId openPeer,
            @Nullable String openName,
            List<StoredMessage> messages,
            boolean peerTyping,
            List<Conversation> conversations,
            List<Group> groups,
            @Nullable Group openGroup,
            Map<String, String> senderNames,
            Map<String, String> groupMarks,
            List<String> notices,
            int width,
            int height,
            ZoneId zone) {
        this(
                self,
                connection,
                openPeer,
                openName,
                messages,
                peerTyping,
                conversations,
                groups,
                openGroup,
                senderNames,
                groupMarks,
                notices,
                width,
                height,
                zone,
                Duration.ZERO);
    }

    /** Copies the lists. */
    ChatView {
        messages = List.copyOf(messages);
        conversations = List.copyOf(conversations);
        groups = List.copyOf(groups);
        senderNames = Map.copyOf(senderNames);
        groupMarks = Map.copyOf(groupMarks);
        notices = List.copyOf(notices);
    }
}
