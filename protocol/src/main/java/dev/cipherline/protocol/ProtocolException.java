package dev.cipherline.protocol;

/** A frame or request that breaks the protocol; carries the {@link ErrorCode} to answer with. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;

    /** Creates an exception with the code to report and a one-sentence reason. */
    public ProtocolException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code to send to the peer. */
    public ErrorCode code() {
        return code;
    }
}
