package dev.cipherline.relay.internal.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Per-device queues of envelopes. Every method is asynchronous; futures complete on a store thread.
 * A future of a write completes only after the write is durably committed.
 */
public interface QueueStore {

    /**
     * Stores a send for every recipient device: each distinct ciphertext once, one entry per
     * device, seqs increasing per device. Checks idempotency, the recipients' device lists and the
     * queue quota first; only {@link SendOutcome.Stored} stored anything.
     */
    CompletableFuture<SendOutcome> store(SendRequest send);

    /**
     * Up to {@code limit} unexpired entries of the device with seq above {@code afterSeq}, in seq
     * order.
     */
    default CompletableFuture<List<QueueEntry>> read(
            DeviceAddress device, long afterSeq, int limit) {
        return read(device, afterSeq, limit, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(DeviceAddress, long, int)}, but the page also ends with the entry that brings
     * its ciphertexts to {@code maxBytes} or more (so it holds at least one entry when any is
     * queued). A page shorter than {@code limit} whose ciphertexts add up to less than {@code
     * maxBytes} is the end of the queue.
     */
    CompletableFuture<List<QueueEntry>> read(
            DeviceAddress device, long afterSeq, int limit, long maxBytes);

    /** The highest seq in the device's queue, or 0 if it is empty. */
    CompletableFuture<Long> lastSeq(DeviceAddress device);

    /**
     * Deletes the device's own entries with the given seqs (other seqs are ignored) and bodies no
     * entry refers to any more.
     *
     * @return how many entries were deleted
     */
    CompletableFuture<Integer> ack(DeviceAddress device, List<Long> seqs);

    /** Deletes expired entries, orphan bodies and idempotency records past their retention. */
    CompletableFuture<SweepResult> sweep();
}
