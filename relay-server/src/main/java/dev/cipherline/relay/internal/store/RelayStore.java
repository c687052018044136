package dev.cipherline.relay.internal.store;

import java.util.concurrent.CompletableFuture;

/**
 * Everything the relay keeps: devices with their prekeys, queues, invites and provisioning
 * mailboxes.
 */
public interface RelayStore
        extends DeviceStore, QueueStore, NoticeStore, AdminStore, ProvisioningStore, AutoCloseable {

    /**
     * Refuses writes from now on with {@link StoreClosedException}; reads still work.
     *
     * @return completes when every write submitted before is committed and its future completed
     */
    CompletableFuture<Void> drainWrites();

    /** The store's encrypted files. */
    BlobStore blobs();

    /**
     * Tells {@code observer} about every batch of writes committed from now on. An engine that does
     * not commit in batches (MongoDB: one acknowledged write per operation) ignores it.
     */
    default void observeCommits(CommitObserver observer) {}

    /**
     * Finishes every write submitted so far, refuses later ones with {@link StoreClosedException},
     * and releases the database.
     */
    @Override
    void close();
}
