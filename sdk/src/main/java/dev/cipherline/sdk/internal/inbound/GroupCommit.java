package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores waiting envelopes up to {@link #MAX_BATCH} per transaction (group commit), in relay order,
 * dropping duplicates before they are decrypted. If any envelope of a batch is refused or the store
 * fails, the batch is rolled back whole and its envelopes are stored again one transaction each, so
 * a refusal affects only its own envelope. Used on the inbound thread only.
 */
public final class GroupCommit {
    /** At most this many envelopes share one transaction. */
    static final int MAX_BATCH = 64;

    /** Opens and stores one envelope inside the caller's transaction. */
    interface Step {
        Outcome store(Tx tx, Frame.Deliver d);
    }

    /** What became of each envelope, told after its transaction ended, in relay order. */
    interface Results {
        void duplicate(Frame.Deliver d);

        void stored(Frame.Deliver d, Outcome outcome);

        void refused(Frame.Deliver d, Refused refusal);

        /** The store failed: the envelope is not acknowledged and the relay delivers it again. */
        void failed(Frame.Deliver d, ChatException error);
    }

    private final Database db;
    private final MessageStore messages;
    private final ArrayDeque<Frame.Deliver> waiting = new ArrayDeque<>();

    public GroupCommit(Database db, MessageStore messages) {
        this.db = db;
        this.messages = messages;
    }

    /** Queues {@code d} for the next {@link #drain}. */
    void add(Frame.Deliver d) {
        waiting.add(d);
    }

    /** Stores every waiting envelope now, batch by batch, and tells {@code results}. */
    void drain(Step step, Results results) {
        while (!waiting.isEmpty()) {
            List<Frame.Deliver> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
                batch.add(waiting.poll());
            }
            if (batch.size() == 1) {
                storeOne(batch.get(0), step, results);
                continue;
            }
            List<Outcome> outcomes;
            try {
                outcomes =
                        db.transaction(
                                tx -> {
                                    List<Outcome> out = new ArrayList<>(batch.size());
                                    for (Frame.Deliver d : batch) {
                                        out.add(duplicate(d) ? null : step.store(tx, d));
                                    }
                                    return out;
                                });
            } catch (RuntimeException e) {
                for (Frame.Deliver d : batch) {
                    storeOne(d, step, results);
                }
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                if (outcomes.get(i) == null) {
                    results.duplicate(batch.get(i));
                } else {
                    results.stored(batch.get(i), outcomes.get(i));
                }
            }
        }
    }

    /** Stores one envelope in its own transaction. */
    private void storeOne(Frame.Deliver d, Step step, Results results) {
        if (duplicate(d)) {
            results.duplicate(d);
            return;
        }
        Outcome outcome;
        try {
            outcome = db.transaction(tx -> step.store(tx, d));
        } catch (Refused r) {
            results.refused(d, r);
            return;
        } catch (ChatException e) {
            results.failed(d, e);
            return;
        }
        results.stored(d, outcome);
    }

    private boolean duplicate(Frame.Deliver d) {
        return messages.incomingExists(d.sender(), d.senderDevice(), d.clientMsgId());
    }
}
