package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * A message received from another account, as handed to {@link ChatListener#onMessage}.
 *
 * @param sentAt the sender's clock when it sent the message (authenticated, but not trusted time)
 * @param receivedAt this device's clock when it stored the message
 * @param group the group the message was sent to, or null for a message to this account alone
 * @param attachment the file the message carries ({@code text} is then its caption, maybe empty),
 *     or null for a text message; fetch it with {@link ChatClient#openFile}
 */
public record IncomingMessage(
        MessageId id,
        AccountId from,
        int fromDevice,
        String text,
        Instant sentAt,
        Instant receivedAt,
        @Nullable GroupId group,
        @Nullable Attachment attachment) {
    /** Checks the values. */
    public IncomingMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** A text message (no attachment). */
    public IncomingMessage(
            MessageId id,
            AccountId from,
            int fromDevice,
            String text,
            Instant sentAt,
            Instant receivedAt,
            @Nullable GroupId group) {
        this(id, from, fromDevice, text, sentAt, receivedAt, group, null);
    }

    /** A message sent to this account alone (no group). */
    public IncomingMessage(
            MessageId id,
            AccountId from,
            int fromDevice,
            String text,
            Instant sentAt,
            Instant receivedAt) {
        this(id, from, fromDevice, text, sentAt, receivedAt, null, null);
    }

    /** Names the message without printing its text. */
    @Override
    public String toString() {
        return "IncomingMessage[id="
                + id
                + ", from="
                + from
                + "/"
                + fromDevice
                + (group == null ? "" : ", group=" + group)
                + "]";
    }
}
