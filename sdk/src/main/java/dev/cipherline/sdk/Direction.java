package dev.cipherline.sdk;

/** Whether a stored message was received from the peer or sent by this account. */
public enum Direction {
    /** Received from the peer. */
    INCOMING,
    /**
     * Sent to the peer by this account: by this device, or by another device of the account ({@link
     * StoredMessage#otherDevice()}).
     */
    OUTGOING
}
