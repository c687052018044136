package dev.cipherline.relay.internal.store;

/**
 * The store could not be reached (a lost connection, no primary, a timeout): the request may not
 * have been carried out, and a send whose future fails with it was not accepted. Retrying later is
 * safe, since every write is idempotent or refused as a duplicate.
 */
public final class StoreUnavailableException extends RuntimeException {
    /** Wraps what the database driver reported; the message names no stored data. */
    public StoreUnavailableException(Throwable cause) {
        super("the store is unreachable", cause);
    }
}
