package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.store.MessageStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The end of a burst of envelopes, on the inbound thread: the acknowledgements of every envelope
 * handled go to the relay in one frame, and the receipts owed for what was stored go into the
 * outbox {@link #RECEIPT_LINGER_MS} after the first of them was owed, so a burst that arrives in
 * many small pieces (the usual case: the receiving side keeps up with the sender) is answered by a
 * few receipts, not one per piece. Each receipt costs an encryption here and a decryption at the
 * sender, as much as a message. Also prunes, at most once an hour, the remembered IDs of envelopes
 * that stored no message and have expired (the relay can no longer deliver them again).
 */
public final class Acks {
    private static final Log LOG = Log.get(Acks.class.getName());
    private static final long PRUNE_INTERVAL_MS = 3_600_000;

    /** How long owed delivery receipts wait for more to join them: a tick shows this much later. */
    static final long RECEIPT_LINGER_MS = 50;

    /** Where acknowledgements go: the seqs of envelopes that are safely handled. */
    public interface Acker {
        void ack(List<Long> seqs);
    }

    private final Acker acker;
    private final Receipts receipts;
    private final MessageStore messages;
    private final Clock clock;
    private final Consumer<Runnable> inbound;
    private final Later later;
    private final List<Long> pending = new ArrayList<>();
    private boolean flushScheduled;
    private boolean receiptsOwed;
    private boolean receiptsScheduled;
    private long lastPrune = Long.MIN_VALUE / 2;

    /** Runs a task once, after a delay, on any thread. */
    public interface Later {
        void after(long millis, Runnable task);
    }

    /**
     * @param inbound runs a task on the inbound thread after the frames already queued there
     * @param later a timer, for the receipts' linger (its task hands the flush to {@code inbound})
     */
    public Acks(
            Acker acker,
            Receipts receipts,
            MessageStore messages,
            Clock clock,
            Consumer<Runnable> inbound,
            Later later) {
        this.acker = acker;
        this.receipts = receipts;
        this.messages = messages;
        this.clock = clock;
        this.inbound = inbound;
        this.later = later;
    }

    /** Acknowledges the envelope {@code seq} at the end of the burst; 0 (ephemeral) is skipped. */
    void ack(long seq) {
        if (seq <= 0) {
            return;
        }
        pending.add(seq);
        if (!flushScheduled) {
            flushScheduled = true;
            // runs after the frames already queued on the inbound thread: acks go out in batches
            inbound.accept(this::flush);
        }
    }

    /** A stored message owes a receipt: receipts are flushed with the next acks. */
    void receiptsOwed() {
        receiptsOwed = true;
    }

    private void flush() {
        flushScheduled = false;
        if (clock.millis() - lastPrune > PRUNE_INTERVAL_MS) {
            pruneSeen();
        }
        if (receiptsOwed && !receiptsScheduled) {
            receiptsScheduled = true;
            later.after(RECEIPT_LINGER_MS, () -> inbound.accept(this::flushReceipts));
        }
        if (pending.isEmpty()) {
            return;
        }
        List<Long> seqs = List.copyOf(pending);
        pending.clear();
        acker.ack(seqs);
    }

    private void flushReceipts() {
        receiptsScheduled = false;
        receiptsOwed = false;
        try {
            receipts.flush();
        } catch (ChatException e) {
            // the owed receipts stay in the store; the next batch or start sends them
            LOG.log(Log.Level.DEBUG, "cannot queue receipts: {0}", e.getMessage());
        }
    }

    /** Forgets the remembered envelopes that have expired. */
    void pruneSeen() {
        lastPrune = clock.millis();
        try {
            messages.pruneSeen(lastPrune);
        } catch (ChatException e) {
            LOG.log(Log.Level.DEBUG, "cannot prune seen envelopes: {0}", e.getMessage());
        }
    }
}
