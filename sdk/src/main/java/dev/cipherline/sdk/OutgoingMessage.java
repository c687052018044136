package dev.cipherline.sdk;

import java.util.concurrent.CompletableFuture;

/**
 * A handle to a message given to {@link ChatClient#send}. Its state moves only forward:
 *
 * <pre>
 *   PENDING ──relay accepted──▶ SENT ──delivery receipt──▶ DELIVERED ──read receipt──▶ READ
 *      └──permanent failure──▶ FAILED
 * </pre>
 *
 * A receipt may skip a state (a read receipt from another device of the recipient can arrive first,
 * or a delivery receipt before the relay's answer is processed); {@link
 * ChatListener#onMessageState} reports each change once.
 */
public interface OutgoingMessage {
    /** The message's client message ID. */
    MessageId id();

    /**
     * The message's current state, as stored; after the client is closed, the last state this
     * handle saw.
     */
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
