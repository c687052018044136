package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of a conversation's history.
 *
 * @param peer the other account of the conversation
 * @param sentAt the sender's clock when the message was sent
 * @param receivedAt when this device stored an incoming message; null for outgoing messages
 * @param state for outgoing messages, how far delivery got; incoming messages are {@link
 *     MessageState#DELIVERED}
 */
public record StoredMessage(
        MessageId id,
        AccountId peer,
        Direction direction,
        String text,
        Instant sentAt,
        @Nullable Instant receivedAt,
        MessageState state) {
    /** Checks the non-null values. */
    public StoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(state, "state");
    }

    /** Names the message without printing its text. */
    @Override
    public String toString() {
        return "StoredMessage[id=" + id + ", peer=" + peer + ", " + direction + ", " + state + "]";
    }
}
