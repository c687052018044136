package dev.cipherline.cli.internal.chat;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Nullable;
import dev.cipherline.sdk.StoredMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the chat screen knows beyond the SDK's store: which conversation is open, the last command's
 * notices, who is typing, the connection state, and message states reported by the listener (newer
 * than a history read may show). Shared by the input thread and the UI thread, so every method is
 * synchronized; the SDK's store stays the source of messages and unread counts.
 */
final class ChatState {
    /** How long a typing indicator lasts without a refresh (the SDK's advice: about 15 s). */
    static final Duration TYPING_LASTS = Duration.ofSeconds(15);

    /** How far back scrolling reaches in one conversation. */
    static final int SCROLLBACK_LIMIT = 1000;

    private @Nullable AccountId openPeer;
    private @Nullable Group openGroup;
    private int scrolledBack;
    private List<String> notices = List.of();
    private ConnectionState connection = ConnectionState.CONNECTING;
    private final Map<AccountId, Instant> typingSince = new HashMap<>();
    private final Map<MessageId, MessageState> reported = new HashMap<>();

    synchronized @Nullable AccountId openPeer() {
        return openPeer;
    }

    /** Opens the conversation with {@code peer}, or goes back to the list when it is null. */
    synchronized void open(@Nullable AccountId peer) {
        openPeer = peer;
        openGroup = null;
        scrolledBack = 0;
    }

    /** The open group, or null. */
    synchronized @Nullable Group openGroup() {
        return openGroup;
    }

    /** Opens {@code group}'s conversation. */
    synchronized void open(Group group) {
        openPeer = null;
        openGroup = group;
        scrolledBack = 0;
    }

    /** Whether a conversation (1:1 or group) is open. */
    synchronized boolean anyOpen() {
        return openPeer != null || openGroup != null;
    }

    /** How many of the newest messages are hidden below the screen (0: showing the newest). */
    synchronized int scrolledBack() {
        return scrolledBack;
    }

    /**
     * Scrolls by {@code messages} (positive: back to older ones), between the newest and {@link
     * #SCROLLBACK_LIMIT}.
     */
    synchronized void scroll(int messages) {
        scrolledBack = Math.max(0, Math.min(SCROLLBACK_LIMIT, scrolledBack + messages));
    }

    /**
     * What a view scrolled back by {@code back} shows of {@code newestFirst} (a history page):
     * everything but the {@code back} newest, oldest first.
     */
    static List<StoredMessage> window(List<StoredMessage> newestFirst, int back) {
        List<StoredMessage> window =
                new ArrayList<>(
                        newestFirst.subList(
                                Math.min(back, newestFirst.size()), newestFirst.size()));
        Collections.reverse(window);
        return window;
    }

    /** Back to the newest messages. */
    synchronized void scrollToLatest() {
        scrolledBack = 0;
    }

    synchronized List<String> notices() {
        return notices;
    }

    /** Replaces the notices shown under the content. */
    synchronized void notices(List<String> lines) {
        notices = List.copyOf(lines);
    }

    synchronized ConnectionState connection() {
        return connection;
    }

    synchronized void connection(ConnectionState state) {
        connection = state;
    }

    /** Records that {@code peer} started or stopped typing at {@code now}. */
    synchronized void typing(AccountId peer, boolean typing, Instant now) {
        if (typing) {
            typingSince.put(peer, now);
        } else {
            typingSince.remove(peer);
        }
    }

    /**
     * Whether {@code peer} is typing: said so less than {@link #TYPING_LASTS} before {@code now}.
     */
    synchronized boolean isTyping(AccountId peer, Instant now) {
        Instant since = typingSince.get(peer);
        return since != null && now.isBefore(since.plus(TYPING_LASTS));
    }

    /** Records a state the listener reported for one of our messages. */
    synchronized void reported(MessageId id, MessageState state) {
        reported.merge(id, state, Ticks::later);
    }

    /** Returns {@code messages} with each state advanced to the latest the listener reported. */
    synchronized List<StoredMessage> withReportedStates(List<StoredMessage> messages) {
        List<StoredMessage> result = new ArrayList<>(messages.size());
        for (StoredMessage m : messages) {
            MessageState state = reported.get(m.id());
            result.add(
                    state == null || Ticks.later(m.state(), state) == m.state()
                            ? m
                            : new StoredMessage(
                                    m.id(),
                                    m.peer(),
                                    m.direction(),
                                    m.text(),
                                    m.sentAt(),
                                    m.receivedAt(),
                                    state,
                                    m.failure(),
                                    m.otherDevice()));
        }
        return result;
    }
}
