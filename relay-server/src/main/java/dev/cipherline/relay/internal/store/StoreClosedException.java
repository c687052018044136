package dev.cipherline.relay.internal.store;

/** The store is shutting down and refused a request; nothing was written. */
public final class StoreClosedException extends RuntimeException {
    /** Creates the exception. */
    public StoreClosedException() {
        super("the store is closed");
    }
}
