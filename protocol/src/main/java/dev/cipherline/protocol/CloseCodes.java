package dev.cipherline.protocol;

/** WebSocket close codes the relay uses, with the reason each stands for. */
public final class CloseCodes {
    /** Normal closure. */
    public static final int NORMAL = 1000;

    /** The relay is shutting down; reconnect with backoff. */
    public static final int GOING_AWAY = 1001;

    /** A frame was not binary or text, or the connection broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;

    /** A frame exceeded {@link Limits#maxFrameBytes()}. */
    public static final int TOO_BIG = 1009;

    /** The relay hit an unexpected internal failure on this connection; reconnect with backoff. */
    public static final int INTERNAL_ERROR = 1011;

    /** Authentication failed (unknown device or bad signature); do not retry blindly. */
    public static final int AUTH_FAILED = 4001;

    /** No {@code auth} frame arrived in time after the challenge. */
    public static final int AUTH_TIMEOUT = 4002;

    /** The client offered no protocol version the relay supports. */
    public static final int UNSUPPORTED_VERSION = 4003;

    /** Another connection authenticated as the same device; this one was replaced. */
    public static final int REPLACED = 4004;

    /** The connection was idle past the relay's timeout (no frame and no ping). */
    public static final int IDLE = 4005;

    /**
     * The device was removed from its account (by another device of the account, by itself, or by
     * the relay's operator): its keys and queue are deleted; it must not reconnect.
     */
    public static final int REMOVED = 4006;

    private CloseCodes() {}
}
