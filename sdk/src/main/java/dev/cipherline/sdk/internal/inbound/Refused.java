package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.sdk.EnvelopeRejection;

/**
 * An envelope this device refuses, with the reason reported to the app. Thrown inside the
 * envelope's transaction, which it rolls back, so nothing of a refused envelope is stored.
 */
final class Refused extends RuntimeException {
    final EnvelopeRejection.Reason reason;

    Refused(EnvelopeRejection.Reason reason, Exception cause) {
        super(cause.getMessage(), cause, false, false);
        this.reason = reason;
    }

    /** A ciphertext that did not decrypt; a used ratchet step is a replay. */
    static Refused undecryptable(CryptoException e) {
        return new Refused(
                e.reason() == CryptoException.Reason.DUPLICATE_MESSAGE
                        ? EnvelopeRejection.Reason.REPLAYED
                        : EnvelopeRejection.Reason.UNDECRYPTABLE,
                e);
    }

    /** Why a group message was refused after it decrypted. */
    static Refused notAMember() {
        return new Refused(
                EnvelopeRejection.Reason.NOT_A_MEMBER,
                new Reason(
                        "its sender key belongs to no group of this account, or the sender was"
                                + " removed from the group"));
    }

    private static final class Reason extends Exception {
        Reason(String message) {
            super(message, null, false, false);
        }
    }
}
