package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Sends the encrypted envelopes of one batch without waiting for each answer before the next, while
 * keeping every recipient's order at the relay through a refusal.
 *
 * <p><b>The rule: at most one envelope per recipient in flight, any number of recipients.</b> The
 * envelopes go out in batch order; one whose recipient still has an envelope in flight waits for
 * that answer. Once any answer is not {@code accepted} (or a send got no answer), nothing more of
 * the batch is sent; the envelopes already in flight are answered as usual.
 *
 * <p>Why not several envelopes of one recipient at once: the receiving SDK hands messages to the
 * app in the order of the relay's queue, and has no per-conversation sequence number to reorder 1:1
 * messages by. The relay stores the sends of one connection in the order they arrive (one writer
 * thread), but whether it refuses a send depends on time as well as on the send: a rate limit (a
 * token bucket that refills between two frames), a full queue (an acknowledgement between two sends
 * frees a slot) or a failed store write can refuse envelope k of a recipient and accept k+1 right
 * after it. Envelope k, retried, would then be stored, and shown, after k+1. Only a device mismatch
 * is refused consistently (every envelope of a batch carries the same device list, so the relay
 * refuses the later ones too unless the registered devices change twice between two frames). So
 * pipelining within one recipient cannot keep order with this relay and protocol, and a burst to
 * one recipient still goes one round trip per envelope; bursts to several recipients overlap.
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
        Set<String> inFlight = new HashSet<>();
        boolean stop = false;
        int next = 0;
        try {
            while (next < n && !stop) {
                OutboxStore.Entry e = entries.get(next);
                if (inFlight.contains(e.recipient())) {
                    stop = !take(answers, entries, results, inFlight);
                    continue;
                }
                int index = next++;
                inFlight.add(e.recipient());
                try {
                    relay.request(sends.get(index), "msg:" + e.clientMsgId())
                            .whenComplete((f, t) -> answers.add(new Answer(index, f, t)));
                } catch (RuntimeException failure) {
                    // e.g. a timer already shut down: the send may have left, its answer is lost
                    answers.add(new Answer(index, null, failure));
                }
            }
            while (!inFlight.isEmpty()) {
                take(answers, entries, results, inFlight);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        return outcome(entries, results, next);
    }

    /** Waits for one answer and records it; false if it was not {@code accepted}. */
    private static boolean take(
            BlockingQueue<Answer> answers,
            List<OutboxStore.Entry> entries,
            Object[] results,
            Set<String> inFlight)
            throws InterruptedException {
        Answer a = answers.take();
        inFlight.remove(entries.get(a.index()).recipient());
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

    private static Outcome outcome(List<OutboxStore.Entry> entries, Object[] results, int sent) {
        List<OutboxStore.Entry> accepted = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        List<OutboxStore.Entry> unanswered = new ArrayList<>();
        List<OutboxStore.Entry> unsent = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            OutboxStore.Entry e = entries.get(i);
            Object r = results[i];
            if (i >= sent) {
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
