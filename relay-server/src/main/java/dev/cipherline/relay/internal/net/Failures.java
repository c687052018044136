package dev.cipherline.relay.internal.net;

import dev.cipherline.relay.internal.store.StoreClosedException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies the failures of store futures. */
final class Failures {
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
}
