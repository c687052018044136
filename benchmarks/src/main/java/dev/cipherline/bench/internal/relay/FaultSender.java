package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A sender of the fault check, behaving like the SDK's outbox: it sends {@code messages} envelopes
 * to one device with at most {@code window} unaccepted, keeps every envelope until it is {@code
 * accepted}, and after a reconnect ({@link #resume}) sends the unaccepted ones again, in order,
 * with the same {@code clientMsgId} and the same bytes, before it carries on. Retryable errors are
 * resent after {@code retryAfterMs}.
 *
 * <p>Its state moves between connections and their event loops, so every method is synchronized.
 */
final class FaultSender implements FrameListener {
    private static final String ID_PREFIX = "fault-";
    private static final long EXPIRY_MS = 86_400_000L;

    /** Called for each clientMsgId answered {@code accepted} for the first time. */
    interface Progress {
        void accepted();
    }

    private final int stream;
    private final BenchDevice to;
    private final int messages;
    private final int window;
    private final int size;
    private final Progress progress;
    private final BitSet accepted = new BitSet();
    private final TreeMap<Integer, byte[]> unaccepted = new TreeMap<>();
    private final BitSet resentIds = new BitSet();
    private BenchConnection current;
    private int next;
    private long resent;
    private long acceptedTwice;
    private long sendErrors;
    private long errors;

    FaultSender(int stream, BenchDevice to, int messages, int window, int size, Progress progress) {
        this.stream = stream;
        this.to = to;
        this.messages = messages;
        this.window = window;
        this.size = size;
        this.progress = progress;
    }

    /** The clientMsgId of message {@code index} (unique per sending device). */
    static String clientMsgId(int index) {
        return ID_PREFIX + index;
    }

    /** The index in a clientMsgId made by {@link #clientMsgId}, or -1 if it is not one. */
    static int index(String clientMsgId) {
        if (clientMsgId == null || !clientMsgId.startsWith(ID_PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(clientMsgId.substring(ID_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Makes {@code c} the connection to send on: resends every unaccepted envelope, then fills the
     * window with new ones. The first call starts the sender.
     */
    synchronized void resume(BenchConnection c) {
        current = c;
        List<Map.Entry<Integer, byte[]>> again = new ArrayList<>(unaccepted.entrySet());
        for (Map.Entry<Integer, byte[]> e : again) {
            write(e.getKey(), e.getValue());
            resentIds.set(e.getKey());
            resent++;
        }
        fill();
    }

    @Override
    public synchronized void onFrame(BenchConnection c, Frame frame) {
        if (frame instanceof Frame.Accepted a) {
            int index = index(a.clientMsgId());
            if (index < 0 || index >= next) {
                errors++;
                return;
            }
            unaccepted.remove(index);
            if (accepted.get(index)) {
                acceptedTwice++;
            } else {
                accepted.set(index);
                progress.accepted();
            }
            fill();
        } else if (frame instanceof Frame.ErrorFrame e && index(e.ref()) >= 0) {
            sendErrors++;
            int index = index(e.ref());
            if (e.code().retryable() && unaccepted.containsKey(index)) {
                long delay = e.retryAfterMs() != null ? e.retryAfterMs() : 100;
                c.eventLoop().schedule(() -> retry(c, index), delay, TimeUnit.MILLISECONDS);
            }
        } else if (!(frame instanceof Frame.Synced)) {
            errors++;
        }
    }

    @Override
    public synchronized void onClosed(BenchConnection c) {
        if (c == current) {
            current = null;
        }
    }

    private synchronized void retry(BenchConnection c, int index) {
        byte[] payload = unaccepted.get(index);
        // after a reconnect, resume() has resent it already
        if (payload != null && c == current) {
            write(index, payload);
        }
    }

    private void fill() {
        while (current != null && unaccepted.size() < window && next < messages) {
            byte[] payload = Payloads.create(size, stream, next);
            unaccepted.put(next, payload);
            write(next, payload);
            next++;
        }
    }

    private void write(int index, byte[] payload) {
        if (current == null) {
            return; // kept in unaccepted; resume() sends it on the next connection
        }
        current.send(
                new Frame.Send(
                        clientMsgId(index),
                        Kind.MESSAGE,
                        System.currentTimeMillis() + EXPIRY_MS,
                        null,
                        List.of(to.recipient(payload))));
    }

    /** Whether message {@code index} was answered {@code accepted}. */
    synchronized boolean accepted(int index) {
        return accepted.get(index);
    }

    synchronized int acceptedCount() {
        return accepted.cardinality();
    }

    /** Envelopes sent again after a reconnect. */
    synchronized long resent() {
        return resent;
    }

    /** Whether message {@code index} was sent again after a reconnect. */
    synchronized boolean resent(int index) {
        return resentIds.get(index);
    }

    /** {@code accepted} answers for a clientMsgId that was already accepted. */
    synchronized long acceptedTwice() {
        return acceptedTwice;
    }

    /** {@code error} frames answering a send. */
    synchronized long sendErrors() {
        return sendErrors;
    }

    /** Frames that a sender should never get. */
    synchronized long errors() {
        return errors;
    }
}
