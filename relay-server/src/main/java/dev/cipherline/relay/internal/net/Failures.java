package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.StoreClosedException;
import dev.cipherline.relay.internal.store.StoreUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies the failures of store futures. */
final class Failures {
    /** How long a client waits before retrying a request the unreachable store failed. */
    static final long UNAVAILABLE_RETRY_AFTER_MS = 1000;

    /** The message of an {@code unavailable} error. */
    static final String UNAVAILABLE_MESSAGE =
            "the relay's store cannot be reached now; nothing was stored; retry later";

    private Failures() {}

    /** The cause without the wrappers futures add. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Whether the store refused because the relay is shutting down. */
    static boolean isShutdown(Throwable error) {
        return unwrap(error) instanceof StoreClosedException;
    }

    /** Whether the store could not be reached: the same request may succeed later. */
    static boolean isUnavailable(Throwable error) {
        return unwrap(error) instanceof StoreUnavailableException;
    }

    /** The {@code unavailable} error answering request {@code ref}, with its retry hint. */
    static Frame.ErrorFrame unavailable(String ref) {
        return new Frame.ErrorFrame(
                ref, ErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_MS);
    }
}
