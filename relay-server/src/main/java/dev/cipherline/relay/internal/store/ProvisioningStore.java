package dev.cipherline.relay.internal.store;

import java.util.concurrent.CompletableFuture;

/**
 * Provisioning mailboxes: each holds at most one opaque ciphertext (a device-link payload) for a
 * few minutes and hands it out once. The relay cannot read what they hold; it only keeps it from
 * being read twice or after its expiry.
 *
 * <p>A mailbox moves {@code empty -> full -> read}; {@link #putMailbox} is the only way to {@code
 * full} and {@link #takeMailbox} the only way to {@code read}, each one atomic conditional write,
 * so two nodes that race see one winner. A read mailbox keeps no ciphertext. Expired mailboxes are
 * deleted by the store's periodic sweep ({@code QueueStore#sweep}), when they are next touched and
 * when a new mailbox is opened (and in MongoDB by its TTL monitor too).
 */
public interface ProvisioningStore {

    /** What became of a put or a take. */
    enum MailboxState {
        /** The put stored the payload, or the take returned it. */
        DONE,
        /** (take only) the mailbox exists but holds no payload yet. */
        PENDING,
        /** The mailbox is past its expiry, or does not exist. */
        EXPIRED,
        /** The mailbox already held a payload (put), or its payload was already read (take). */
        USED
    }

    /**
     * The answer to a take.
     *
     * @param state what became of it
     * @param payload the ciphertext when {@code state} is {@link MailboxState#DONE}, else null
     */
    record Taken(MailboxState state, byte[] payload) {}

    /**
     * Opens an empty mailbox. Fails if {@code id} is taken (the caller makes IDs of 128 random
     * bits, so that means a broken random source). Deletes mailboxes expired by {@code now} first.
     */
    CompletableFuture<Void> openMailbox(String id, long now, long expiresAt);

    /** Stores the mailbox's one payload, if it is empty and not expired at {@code now}. */
    CompletableFuture<MailboxState> putMailbox(String id, byte[] payload, long now);

    /**
     * Returns the mailbox's payload and forgets it, if it is full and not expired at {@code now}.
     */
    CompletableFuture<Taken> takeMailbox(String id, long now);
}
