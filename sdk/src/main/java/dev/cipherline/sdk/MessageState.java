package dev.cipherline.sdk;

/**
 * How far an outgoing message got. States only move forward: {@code PENDING -> SENT -> DELIVERED ->
 * READ}, or {@code PENDING -> FAILED}.
 */
public enum MessageState {
    /** Stored in the outbox; the relay has not accepted it yet. */
    PENDING,
    /** The relay stored it durably; it will reach the recipient's devices. */
    SENT,
    /** A recipient device stored it (receipts come in a later version). */
    DELIVERED,
    /** The recipient read it (receipts come in a later version). */
    READ,
    /** It can never be sent, e.g. the recipient does not exist or it is too large. */
    FAILED
}
