package dev.cipherline.sdk.internal.client;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends due 1:1 outbox entries in batches, so that one synced commit covers many messages: it
 * encrypts up to {@link #MAX_BATCH} entries (session steps and attempts) in one synced transaction
 * before any of them leaves the device, sends them one after another in order, each waiting for its
 * answer, and records those the relay accepted in one commit that is not synced on its own.
 *
 * <p>A batch keeps the outbox's rules: oldest first, never passing an older entry of the same
 * recipient, skipping entries that are not due. Group messages, expired entries and recipients
 * without a session go alone through {@link OutboxSender#attempt}, and a batch ends before them.
 * When an answer is not {@code accepted} (mismatched devices, an error, no answer), the rest of the
 * batch is not sent: its entries are due again at once and are encrypted afresh in a later round
 * (their skipped message keys cost the receiver nothing), and the refused entry is handled as a
 * single attempt would handle that answer.
 */
final class OutboxBatchSender {
    private static final System.Logger LOG = System.getLogger(OutboxBatchSender.class.getName());

    /** At most this many entries share one encrypt transaction. */
    static final int MAX_BATCH = 32;

    /** How many rows a batch looks at, since some belong to recipients that must wait. */
    private static final int WINDOW = 2 * MAX_BATCH;

    private final Database db;
    private final OutboxStore outbox;
    private final OutboxSender sender;
    private final OutboxSender.Completion completion;
    private final Clock clock;

    OutboxBatchSender(
            Database db,
            OutboxStore outbox,
            OutboxSender sender,
            OutboxSender.Completion completion,
            Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.sender = sender;
        this.completion = completion;
        this.clock = clock;
    }

    /**
     * The entries to send now, starting with {@code first}, the oldest due head of {@code heads}
     * (the oldest entry of every recipient): {@code first} alone if it is not batchable, else it
     * and the due batchable entries after it whose recipients have no older entry waiting.
     */
    List<OutboxStore.Entry> collect(
            OutboxStore.Entry first, List<OutboxStore.Entry> heads, long now) {
        if (!sender.batchable(first, now)) {
            return List.of(first);
        }
        Set<String> waiting = new HashSet<>();
        for (OutboxStore.Entry head : heads) {
            if (head.nextAttemptAt() > now) {
                waiting.add(head.recipient());
            }
        }
        List<OutboxStore.Entry> batch = new ArrayList<>();
        for (OutboxStore.Entry e : outbox.from(first.id(), WINDOW)) {
            if (batch.size() == MAX_BATCH) {
                break;
            }
            if (waiting.contains(e.recipient())) {
                continue;
            }
            if (e.nextAttemptAt() > now) {
                waiting.add(e.recipient());
                continue;
            }
            if (!sender.batchable(e, now)) {
                // it goes alone, in its turn
                break;
            }
            batch.add(e);
        }
        return batch.isEmpty() ? List.of(first) : batch;
    }

    /** Sends {@code batch} (from {@link #collect}); a single entry takes the usual way. */
    void send(List<OutboxStore.Entry> batch) {
        List<Frame.Send> sends = batch.size() == 1 ? List.of() : encryptAll(batch);
        if (sends.isEmpty()) {
            sender.attempt(batch.get(0));
            return;
        }
        sendInOrder(batch.subList(0, sends.size()), sends);
    }

    /**
     * Encrypts the entries and records their attempts in one synced transaction. If one of them
     * cannot be encrypted in a batch, everything is rolled back and the entries before it are
     * encrypted again on their own; an empty result leaves the first entry to a single attempt.
     */
    private List<Frame.Send> encryptAll(List<OutboxStore.Entry> batch) {
        List<OutboxStore.Entry> todo = batch;
        while (todo.size() > 1) {
            List<OutboxStore.Entry> entries = todo;
            try {
                return db.transaction(
                        c -> {
                            List<Frame.Send> sends = new ArrayList<>(entries.size());
                            for (OutboxStore.Entry e : entries) {
                                Frame.Send send = sender.encryptForBatch(c, e);
                                if (send == null) {
                                    throw new NotBatchable(sends.size());
                                }
                                sends.add(send);
                            }
                            return sends;
                        });
            } catch (NotBatchable n) {
                todo = entries.subList(0, n.index);
            }
        }
        return List.of();
    }

    /**
     * Sends the encrypted entries in order while the relay accepts them; then records the accepted
     * ones, releases those never sent, and hands a refused one back to the sender.
     */
    private void sendInOrder(List<OutboxStore.Entry> entries, List<Frame.Send> sends) {
        List<OutboxStore.Entry> accepted = new ArrayList<>(entries.size());
        Frame refusal = null;
        int next = 0;
        try {
            while (next < entries.size() && refusal == null) {
                Frame answer = sender.request(entries.get(next), sends.get(next));
                if (answer instanceof Frame.Accepted) {
                    accepted.add(entries.get(next));
                } else {
                    refusal = answer;
                }
                next++;
            }
        } catch (ChatException e) {
            // the one without an answer keeps the retry time of its attempt, as a single one does
            next++;
            if (e.reason() != ChatException.Reason.CLOSED) {
                LOG.log(System.Logger.Level.DEBUG, "batch send failed: {0}", e.getMessage());
            }
        } finally {
            if (!accepted.isEmpty()) {
                completion.sentTogether(accepted);
            }
        }
        release(entries.subList(next, entries.size()));
        if (refusal != null) {
            sender.resume(entries.get(next - 1), refusal);
        }
    }

    /** Makes entries that were encrypted but never sent due again, not counting the attempt. */
    private void release(List<OutboxStore.Entry> unsent) {
        if (unsent.isEmpty()) {
            return;
        }
        long now = clock.millis();
        // not synced: lost on power failure, they merely wait for their recorded retry time
        db.transactionUnsynced(
                c -> {
                    for (OutboxStore.Entry e : unsent) {
                        outbox.release(c, e.id(), now);
                    }
                    return null;
                });
    }

    /** Carries out of the encrypt transaction, rolling it back, where a batch must end. */
    private static final class NotBatchable extends RuntimeException {
        final int index;

        NotBatchable(int index) {
            super(null, null, false, false);
            this.index = index;
        }
    }
}
