package dev.cipherline.sdk;

/** Whether a stored message was received or sent by this device. */
public enum Direction {
    /** Received from the peer. */
    INCOMING,
    /** Sent by this device to the peer. */
    OUTGOING
}
