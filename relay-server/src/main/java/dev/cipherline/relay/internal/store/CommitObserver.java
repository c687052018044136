package dev.cipherline.relay.internal.store;

/** Told about every batch of writes a store commits; for the relay's metrics. */
@FunctionalInterface
public interface CommitObserver {
    /** Observes nothing. */
    CommitObserver NONE = (size, nanos) -> {};

    /**
     * A batch of {@code size} writes was committed (and synced) {@code nanos} after it started
     * running. Called on the store's writer thread: must be quick and must not throw.
     */
    void committed(int size, long nanos);
}
