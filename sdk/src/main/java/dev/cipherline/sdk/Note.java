package dev.cipherline.sdk;

import java.util.Objects;

/**
 * Something the SDK itself wrote into a conversation's history for the user to see, such as "3
 * messages from alice expired before this device came online". A note is a history row of {@link
 * Direction#NOTE}; it is never sent, never counts as unread and has no delivery state.
 *
 * @param kind what happened
 * @param about the account it is about (the sender of expired or lost messages, or who set the
 *     timer)
 * @param count the number of messages, or for {@link NoteKind#TIMER_CHANGED} the timer in seconds
 *     (0: off); at least 0
 * @param text the note as one English sentence, for apps that show it as it is
 */
public record Note(NoteKind kind, AccountId about, long count, String text) {
    /** Checks the values. */
    public Note {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(about, "about");
        Objects.requireNonNull(text, "text");
        if (count < 0) {
            throw new IllegalArgumentException("a note's count is at least 0");
        }
    }
}
