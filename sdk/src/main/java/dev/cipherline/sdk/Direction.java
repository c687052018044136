package dev.cipherline.sdk;

/**
 * Whether a history row was received from the peer or sent by this account, or is a note the SDK
 * wrote (see {@link Note}).
 */
public enum Direction {
    /** Received from the peer. */
    INCOMING,
    /**
     * Sent to the peer by this account: by this device, or by another device of the account ({@link
     * StoredMessage#otherDevice()}).
     */
    OUTGOING,
    /**
     * Written by this device's SDK for the user, not sent by anyone: {@link StoredMessage#note()}
     * says what it is about.
     */
    NOTE
}
