package dev.cipherline.sdk.internal.outbound;

/** A failure that no retry can fix: the entry becomes FAILED with this message. */
final class SendFailure extends RuntimeException {
    SendFailure(String message) {
        super(message, null, false, false);
    }
}
