package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * A message received from another account, as handed to {@link ChatListener#onMessage}.
 *
 * @param sentAt the sender's clock when it sent the message (authenticated, but not trusted time)
 * @param receivedAt this device's clock when it stored the message
 */
public record IncomingMessage(
        MessageId id,
        AccountId from,
        int fromDevice,
        String text,
        Instant sentAt,
        Instant receivedAt) {
    /** Checks the values. */
    public IncomingMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Names the message without printing its text. */
    @Override
    public String toString() {
        return "IncomingMessage[id=" + id + ", from=" + from + "/" + fromDevice + "]";
    }
}
