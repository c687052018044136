package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Sends the encrypted envelopes of one batch without waiting for each answer before the next, while
 * keeping every recipient's order at the relay through a refusal.
 *
 * <p><b>The rule: every envelope of the batch goes out in batch order without waiting, until an
 * answer is not {@code accepted}.</b> From then on nothing more of the batch is sent; the envelopes
 * already in flight are answered as usual, and those answered {@code held} count as never sent.
 *
 * <p>Why several envelopes of one recipient may be in flight: the relay keeps one connection's
 * sends to a recipient account in arrival order through a refusal (PROTOCOL.md, "Order through a
 * refusal"). Once it refuses envelope k of a recipient for a reason a retry can change (a rate
 * limit, a full queue, a stale device list, a failed store write), it answers every later send of
 * this connection to that account {@code held} and stores nothing, until envelope k arrives again.
 * The scheduler resends the oldest entry of a recipient first, so k is stored before k+1 and the
 * receiving SDK, which shows 1:1 messages in the relay's queue order, sees them in order.
 */
final class Pipeline {
    private final Relay relay;

    Pipeline(Relay relay) {
        this.relay = relay;
    }

    /** What became of a batch: each entry in exactly one list, each list in batch order. */
    record Outcome(
            List<OutboxStore.Entry> accepted,
            List<Refused> refused,
            List<OutboxStore.Entry> unanswered,
            List<OutboxStore.Entry> unsent) {}

    /** An entry the relay answered with something else than {@code accepted}. */
    record Refused(OutboxStore.Entry entry, Frame answer) {}

    private record Answer(int index, Frame frame, Throwable failure) {}

    /** Sends {@code sends[i]} for {@code entries[i]} by the rule in the class comment. */
    Outcome send(List<OutboxStore.Entry> entries, List<Frame.Send> sends) {
        int n = entries.size();
        Object[] results = new Object[n];
        BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
        int inFlight = 0;
        boolean stop = false;
        int next = 0;
        try {
            while (next < n && !stop) {
                // take the answers that are in without waiting: a refusal stops the batch early
                for (Answer a = answers.poll(); a != null; a = answers.poll()) {
                    inFlight--;
                    stop |= !record(a, results);
                }
                if (stop) {
                    break;
                }
                int index = next++;
                inFlight++;
                OutboxStore.Entry e = entries.get(index);
                try {
                    relay.request(sends.get(index), "msg:" + e.clientMsgId())
                            .whenComplete((f, t) -> answers.add(new Answer(index, f, t)));
                } catch (RuntimeException failure) {
                    // e.g. a timer already shut down: the send may have left, its answer is lost
                    answers.add(new Answer(index, null, failure));
                }
            }
            for (; inFlight > 0; inFlight--) {
                record(answers.take(), results);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        return outcome(entries, results, next);
    }

    /** Records one answer; false if it was not {@code accepted}. */
    private static boolean record(Answer a, Object[] results) {
        if (a.failure() != null) {
            results[a.index()] = Relay.asChatException(unwrap(a.failure()));
            return false;
        }
        results[a.index()] = a.frame();
        return a.frame() instanceof Frame.Accepted;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Whether the relay held the envelope behind a refused one: as if it had not been sent. */
    private static boolean isHeld(Object result) {
        return result instanceof Frame.ErrorFrame err && err.code() == ErrorCode.HELD;
    }

    private static Outcome outcome(List<OutboxStore.Entry> entries, Object[] results, int sent) {
        List<OutboxStore.Entry> accepted = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        List<OutboxStore.Entry> unanswered = new ArrayList<>();
        List<OutboxStore.Entry> unsent = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            OutboxStore.Entry e = entries.get(i);
            Object r = results[i];
            if (i >= sent || isHeld(r)) {
                unsent.add(e);
            } else if (r instanceof Frame.Accepted) {
                accepted.add(e);
            } else if (r instanceof Frame f) {
                refused.add(new Refused(e, f));
            } else {
                // no answer (or the thread was interrupted while waiting): the attempt's retry
                // time stands, as for a single send
                unanswered.add(e);
            }
        }
        return new Outcome(accepted, refused, unanswered, unsent);
    }
}
