package dev.cipherline.crypto;

import java.util.Objects;

/**
 * A cryptographic operation failed for a stated {@link Reason}. The message says what failed and
 * never contains key bytes or message content.
 */
public final class CryptoException extends Exception {

    /** Why a cryptographic operation failed. */
    public enum Reason {
        /** Input bytes do not have the expected structure (length, version, encoding, key type). */
        MALFORMED,
        /** A signature did not verify under the key that should have made it. */
        BAD_SIGNATURE,
        /** An identity key does not hash to the account ID it was presented for. */
        IDENTITY_MISMATCH,
        /** The identity store refused the peer's identity key. */
        UNTRUSTED_IDENTITY,
        /** The message was already decrypted once (a replay or redelivery). */
        DUPLICATE_MESSAGE,
        /** The message failed authentication or could not be decrypted. */
        INVALID_MESSAGE,
        /** There is no session with the peer device. */
        NO_SESSION,
        /** The authenticated inner header disagrees with the relay's outer envelope. */
        HEADER_MISMATCH
    }

    private final Reason reason;

    /** Creates an exception for {@code reason} with a message that names what failed. */
    public CryptoException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Creates an exception for {@code reason} caused by a lower-level failure. */
    public CryptoException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Returns why the operation failed. */
    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "CryptoException[" + reason + "]: " + getMessage();
    }
}
