package dev.cipherline.sdk;

import java.util.concurrent.CompletableFuture;

/** A handle to a message given to {@link ChatClient#send}. */
public interface OutgoingMessage {
    /** The message's client message ID. */
    MessageId id();

    /** The message's current state. */
    MessageState state();

    /**
     * Completes with {@link MessageState#SENT} once the relay accepted the message; completes
     * exceptionally with a {@link ChatException} ({@code REJECTED}) on a permanent failure (e.g.
     * unknown recipient, envelope too large, a key bundle that does not match the account ID) —
     * then {@link #state()} is {@link MessageState#FAILED}. If the client is closed first, it
     * completes exceptionally with {@code CLOSED}; the message stays in the outbox and is sent on
     * the next start.
     */
    CompletableFuture<MessageState> accepted();
}
