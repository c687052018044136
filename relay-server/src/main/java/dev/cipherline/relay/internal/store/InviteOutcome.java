package dev.cipherline.relay.internal.store;

/** How {@link AdminStore#registerWithInvite} ended. */
public enum InviteOutcome {
    /** The device is registered and the invite has one use less. */
    REGISTERED,
    /** No invite has this token (never created, or revoked). Nothing changed. */
    INVALID,
    /** The invite has no use left. Nothing changed. */
    USED,
    /** The invite is past its expiry. Nothing changed. */
    EXPIRED
}
