package dev.cipherline.relay.internal.store;

import java.util.concurrent.CompletableFuture;

/** Everything the relay keeps: devices with their prekeys, and queues. */
public interface RelayStore extends DeviceStore, QueueStore, AutoCloseable {

    /**
     * Refuses writes from now on with {@link StoreClosedException}; reads still work.
     *
     * @return completes when every write submitted before is committed and its future completed
     */
    CompletableFuture<Void> drainWrites();

    /**
     * Finishes every write submitted so far, refuses later ones with {@link StoreClosedException},
     * and releases the database.
     */
    @Override
    void close();
}
