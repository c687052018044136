package dev.cipherline.sdk;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A conversation with one peer, as listed by {@link ChatClient#conversations()}.
 *
 * @param contactName the peer's name in the address book, or null if it has none
 * @param lastActivity when the newest message of the conversation was sent or received
 * @param unreadCount how many incoming messages arrived after the read watermark
 * @param readUpTo the read watermark: the newest incoming message marked read with {@link
 *     ChatClient#markRead}, or null if none was (or it has disappeared)
 * @param disappearingTimer the conversation's disappearing-message timer ({@link
 *     ChatClient#setDisappearingTimer}), {@link Duration#ZERO} when it is off
 */
public record Conversation(
        AccountId peer,
        @Nullable String contactName,
        Instant lastActivity,
        int unreadCount,
        @Nullable MessageId readUpTo,
        Duration disappearingTimer) {
    /** Checks the values. */
    public Conversation {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(lastActivity, "lastActivity");
        Objects.requireNonNull(disappearingTimer, "disappearingTimer");
        if (unreadCount < 0) {
            throw new IllegalArgumentException("unreadCount must not be negative");
        }
    }

    /** A conversation without a disappearing-message timer. */
    public Conversation(
            AccountId peer,
            @Nullable String contactName,
            Instant lastActivity,
            int unreadCount,
            @Nullable MessageId readUpTo) {
        this(peer, contactName, lastActivity, unreadCount, readUpTo, Duration.ZERO);
    }
}
