package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation with one peer.
 *
 * @param contactName the peer's name in the address book, or null if it has none
 * @param lastActivity when the newest message of the conversation was sent or received
 */
public record Conversation(AccountId peer, @Nullable String contactName, Instant lastActivity) {
    /** Checks the non-null values. */
    public Conversation {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(lastActivity, "lastActivity");
    }
}
