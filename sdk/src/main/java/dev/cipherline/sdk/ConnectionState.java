package dev.cipherline.sdk;

/**
 * The state of the client's connection to its relay. It moves {@code CONNECTING -> AUTHENTICATING
 * -> CONNECTED}, falls to {@code DISCONNECTED} when the connection fails or drops (and returns to
 * {@code CONNECTING} after a backoff), and ends in {@code CLOSED}.
 */
public enum ConnectionState {
    /** Opening the WebSocket. */
    CONNECTING,
    /** The WebSocket is open; answering the relay's challenge. */
    AUTHENTICATING,
    /** Authenticated: messages flow both ways. */
    CONNECTED,
    /** Not connected; a reconnect is scheduled (unless authentication was refused). */
    DISCONNECTED,
    /** The client was closed; the final state. */
    CLOSED
}
