package dev.cipherline.relay.internal.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Per-device queues of envelopes. Every method is asynchronous; futures complete on a store thread.
 * A future of a write completes only after the write is durably committed.
 *
 * <p>Seqs are per device, start at 1 and only grow: a seq handed out once is never handed out again
 * for that device, even after its entry was acknowledged, expired or deleted by a re-registration,
 * so a late {@link #ack} can never delete a newer entry.
 */
public interface QueueStore {

    /**
     * Stores a send for every recipient device: each distinct ciphertext once, one entry per
     * device, seqs increasing per device. Checks idempotency, the recipients' device lists and the
     * queue quota first; only {@link SendOutcome.Stored} stored anything.
     *
     * <p>Atomicity, as readers see it:
     *
     * <ul>
     *   <li>A send that is refused ({@link SendOutcome.Mismatched}, {@link
     *       SendOutcome.UnknownRecipient}, {@link SendOutcome.QuotaExceeded}) or whose future fails
     *       before anything was written leaves nothing: no entry, no body, no idempotency record,
     *       no seq taken.
     *   <li>When the future completes with {@link SendOutcome.Stored}, the idempotency record, the
     *       shared body, every entry and every device's new seq floor are durable; a retry of the
     *       same clientMsgId from the same device is {@link SendOutcome.Duplicate} from then on.
     *   <li>A reader sees an entry only together with its ciphertext, and sees a device's entries
     *       appear in seq order: once it has read seq n, no entry with a lower seq appears later.
     *   <li>No seq is ever given to two entries of one device.
     * </ul>
     *
     * <p>An engine with transactions (SQLite) makes all of it one transaction. An engine without
     * them (MongoDB) writes body, entries, seq floors and last the idempotency record, in that
     * order: if it dies in between, the send was not answered {@code accepted}, the client retries,
     * and the same clientMsgId may then be stored a second time. The receiving SDK drops that
     * duplicate by sender and clientMsgId; a message is never lost and a seq never reused.
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

    /**
     * The highest seq handed out to the device so far (its entry may since have been acknowledged),
     * or 0 if none was.
     */
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
