package dev.cipherline.relay.internal.store;

import io.netty.buffer.ByteBuf;
import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Encrypted files (blobs): metadata and bytes. The futures' methods complete on a store thread;
 * {@link #append} and {@link #read} block and are called on the relay's blob I/O threads, never on
 * an event loop.
 *
 * <p>Durability: {@link Sink#commit} returns only after the bytes it wrote are synced and the new
 * offset is recorded; a chunk whose commit did not complete is rewritten by the next upload from
 * the committed offset. A blob is deleted (bytes and metadata) by {@link #delete}, by {@link
 * #release} of its last recipient, or by {@link #sweep} once it expired.
 */
public interface BlobStore {

    /**
     * Stores a new, empty blob, unless its owner would then hold more than {@code quotaBytes} of
     * blobs (counting every blob it created that is not deleted yet, at full size).
     *
     * <p>The future fails with {@link BlobQuotaException} over the quota.
     */
    CompletableFuture<BlobRecord> create(BlobRecord blob, long quotaBytes);

    /** The blob, or empty if there is none with that ID (never created, or deleted). */
    CompletableFuture<Optional<BlobRecord>> find(String id);

    /**
     * A sink writing the blob's bytes from {@code offset}, which must be its committed offset.
     * Blocks; call it off the event loop.
     */
    Sink append(BlobRecord blob, long offset) throws IOException;

    /** A source of the blob's bytes from {@code from}. Blocks; call it off the event loop. */
    Source read(BlobRecord blob, long from) throws IOException;

    /**
     * {@code recipient} has the blob and needs it no more: it may not fetch it again, and the blob
     * is deleted if it was the last recipient.
     *
     * @return whether the blob was deleted by this call
     */
    CompletableFuture<Boolean> release(String id, DeviceAddress recipient);

    /** Deletes the blob, bytes and metadata. The future's value: whether it existed. */
    CompletableFuture<Boolean> delete(String id);

    /** Deletes every blob that expired at {@code now}; the future's value: how many. */
    CompletableFuture<Integer> sweep(long now);

    /** Where one chunk's bytes go. Used by one thread at a time. */
    interface Sink extends Closeable {
        /** Writes all readable bytes of {@code bytes} (without releasing it). */
        void write(ByteBuf bytes) throws IOException;

        /**
         * Syncs what was written and records the new committed offset.
         *
         * @return the blob as now committed
         */
        CompletableFuture<BlobRecord> commit() throws IOException;
    }

    /** Where a download's bytes come from. Used by one thread at a time. */
    interface Source extends Closeable {
        /**
         * Reads up to {@code dst.writableBytes()} bytes into {@code dst}.
         *
         * @return how many, or -1 at the end of the blob
         */
        int read(ByteBuf dst) throws IOException;
    }
}
