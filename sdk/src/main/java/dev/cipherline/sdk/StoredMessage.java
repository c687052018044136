package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of a conversation's history.
 *
 * @param peer the other account of the conversation
 * @param sentAt the sender's clock when the message was sent
 * @param receivedAt when this device stored an incoming message; null for outgoing messages
 * @param state how far the message got. Outgoing: {@code PENDING -> SENT -> DELIVERED -> READ} (or
 *     {@code FAILED}, or {@code EXPIRED} after {@code SENT} when the relay reported it expired
 *     unread), moved by the relay's answer, its expiry notices and the recipient's receipts, and
 *     kept across restarts. Incoming: {@link MessageState#DELIVERED} when stored, {@link
 *     MessageState#READ} once the conversation was marked read with {@link ChatClient#markRead}
 * @param failure why an outgoing message is {@code FAILED} (one sentence), else null
 * @param otherDevice true for an outgoing message that another device of this account sent ("sent
 *     on another device": it reached this device as a copy, and starts here in state {@code SENT}),
 *     false otherwise
 * @param note what a row of {@link Direction#NOTE} says (its {@code text} is the note's text, its
 *     state {@link MessageState#DELIVERED}, {@code receivedAt} when it was written, and {@code
 *     peer} the conversation's peer or, in a group, {@link Note#about()}); null for messages
 * @param attachment the file the message carries ({@code text} is then its caption, maybe empty),
 *     or null for a text message or a note; its content comes from {@link ChatClient#openFile}
 */
public record StoredMessage(
        MessageId id,
        AccountId peer,
        Direction direction,
        String text,
        Instant sentAt,
        @Nullable Instant receivedAt,
        MessageState state,
        @Nullable String failure,
        boolean otherDevice,
        @Nullable Note note,
        @Nullable Attachment attachment) {
    /** Checks the non-null values, and that a note is there exactly for a row of a note. */
    public StoredMessage {
        if ((direction == Direction.NOTE) != (note != null)) {
            throw new IllegalArgumentException("a note row has a note, a message none");
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(state, "state");
    }

    /** A message or a note without an attachment. */
    public StoredMessage(
            MessageId id,
            AccountId peer,
            Direction direction,
            String text,
            Instant sentAt,
            @Nullable Instant receivedAt,
            MessageState state,
            @Nullable String failure,
            boolean otherDevice,
            @Nullable Note note) {
        this(
                id,
                peer,
                direction,
                text,
                sentAt,
                receivedAt,
                state,
                failure,
                otherDevice,
                note,
                null);
    }

    /** A message (not a note). */
    public StoredMessage(
            MessageId id,
            AccountId peer,
            Direction direction,
            String text,
            Instant sentAt,
            @Nullable Instant receivedAt,
            MessageState state,
            @Nullable String failure,
            boolean otherDevice) {
        this(
                id,
                peer,
                direction,
                text,
                sentAt,
                receivedAt,
                state,
                failure,
                otherDevice,
                null,
                null);
    }

    /** A message this device stored or sent itself. */
    public StoredMessage(
            MessageId id,
            AccountId peer,
            Direction direction,
            String text,
            Instant sentAt,
            @Nullable Instant receivedAt,
            MessageState state,
            @Nullable String failure) {
        this(id, peer, direction, text, sentAt, receivedAt, state, failure, false, null, null);
    }

    /** A message that did not fail, stored or sent by this device. */
    public StoredMessage(
            MessageId id,
            AccountId peer,
            Direction direction,
            String text,
            Instant sentAt,
            @Nullable Instant receivedAt,
            MessageState state) {
        this(id, peer, direction, text, sentAt, receivedAt, state, null, false, null, null);
    }

    /** Names the message without printing its text. */
    @Override
    public String toString() {
        return "StoredMessage[id="
                + id
                + ", peer="
                + peer
                + ", "
                + direction
                + (otherDevice ? " (other device)" : "")
                + (note != null ? " " + note.kind() : "")
                + ", "
                + state
                + "]";
    }
}
