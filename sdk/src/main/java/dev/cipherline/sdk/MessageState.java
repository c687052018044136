package dev.cipherline.sdk;

/**
 * How far a message got. States only move forward: {@code PENDING -> SENT -> EXPIRED -> DELIVERED
 * -> READ}, or {@code PENDING -> FAILED}; a state may be skipped (a receipt can overtake the
 * relay's answer, and most messages never expire) but never undone. Incoming messages are {@code
 * DELIVERED} when stored and {@code READ} once the app called {@link ChatClient#markRead}.
 *
 * <p>{@code EXPIRED} is about the recipient account, while the relay reports expiry per device: a
 * 1:1 message is {@code EXPIRED} when it expired unread at the relay for a device of the recipient
 * and no device of the recipient has stored it (so no delivery receipt arrived); a delivery or read
 * receipt that arrives later (another device of the recipient had stored it) still moves it on to
 * {@code DELIVERED} or {@code READ}, and a message already there never becomes {@code EXPIRED}.
 * Only the device that sent the message learns of its expiry; the account's other devices keep
 * their copy at {@code SENT}. Group messages do not take this state.
 */
public enum MessageState {
    /** Stored in the outbox; the relay has not accepted it yet. */
    PENDING,
    /** The relay stored it durably; it will reach the recipient's devices. */
    SENT,
    /**
     * It expired at the relay before a device of the recipient fetched it (the relay said so), and
     * no device of the recipient has acknowledged it: the recipient will not see it.
     */
    EXPIRED,
    /** A device of the recipient stored it and sent back an encrypted delivery receipt. */
    DELIVERED,
    /** The recipient's app marked it read and the recipient sent back an encrypted read receipt. */
    READ,
    /** It can never be sent, e.g. the recipient does not exist or it is too large. */
    FAILED
}
