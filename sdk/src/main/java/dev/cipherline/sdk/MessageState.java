package dev.cipherline.sdk;

/**
 * How far a message got. States only move forward: {@code PENDING -> SENT -> DELIVERED -> READ}, or
 * {@code PENDING -> FAILED}; a state may be skipped (a receipt can overtake the relay's answer) but
 * never undone. Incoming messages are {@code DELIVERED} when stored and {@code READ} once the app
 * called {@link ChatClient#markRead}.
 */
public enum MessageState {
    /** Stored in the outbox; the relay has not accepted it yet. */
    PENDING,
    /** The relay stored it durably; it will reach the recipient's devices. */
    SENT,
    /** A device of the recipient stored it and sent back an encrypted delivery receipt. */
    DELIVERED,
    /** The recipient's app marked it read and the recipient sent back an encrypted read receipt. */
    READ,
    /** It can never be sent, e.g. the recipient does not exist or it is too large. */
    FAILED
}
