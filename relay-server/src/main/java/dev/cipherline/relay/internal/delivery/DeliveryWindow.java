package dev.cipherline.relay.internal.delivery;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.QueueStore;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Pushes one device's queue over one connection, in seq order, with at most {@code window}
 * deliveries unacknowledged, and sends {@code synced} once, right after the last entry that was
 * queued when the connection authenticated.
 *
 * <p>Entries come from two sources: pages read from the store, and notifications of entries just
 * committed. A notification is pushed from memory only when it directly follows what this window
 * has seen and nothing older is waiting in the store; otherwise the window reads the store again,
 * so a newer entry never overtakes an older one. Expired entries are skipped.
 *
 * <p>The store is read in pages of at most {@link #PAGE} entries and about {@link #PAGE_BYTES} of
 * ciphertext, whatever the window: the window bounds what is in flight to the client (and the
 * connection's write buffer bounds those bytes), the page bounds what waits in memory here, about
 * one and a half pages.
 *
 * <p>Not thread-safe: every method must be called on {@code loop}, which also receives the results
 * of store reads.
 */
public final class DeliveryWindow {
    // shared while empty, never written: every write goes through buffer() first
    private static final ArrayDeque<QueueEntry> EMPTY_BUFFER = new ArrayDeque<>(0);

    /** Where deliveries go; called on the loop. */
    public interface Sink {
        /** Writes one delivery (without flushing). */
        void deliver(Frame.Deliver deliver);

        /** Writes {@code synced} (without flushing). */
        void synced();

        /**
         * Whether the connection takes more now; when it turns false mid-batch the window stops
         * writing and waits for {@link #resume}.
         */
        default boolean writable() {
            return true;
        }

        /** Flushes what was written. */
        void flush();

        /** A store read failed; the connection should close so the client reconnects. */
        void failed(Throwable cause);
    }

    private final QueueStore store;
    private final DeviceAddress device;

    /** The most entries read from the store at once. */
    static final int PAGE = 256;

    /** A read from the store ends with the entry that brings its ciphertexts to this size. */
    static final long PAGE_BYTES = 1 << 20;

    private final int window;
    private final int page;
    private long bufferedBytes;
    private final Clock clock;
    private final Executor loop;
    private final Sink sink;

    // made on first use: most connections are idle most of the time
    private ArrayDeque<QueueEntry> buffer = EMPTY_BUFFER;
    private Set<Long> unacked = Set.of();
    private long cursor;
    private long backlogEnd = -1;
    private boolean synced;
    private boolean storeHasMore = true;
    private boolean reading;
    private boolean notifiedWhileReading;
    private boolean stopped;
    private boolean paused;

    /** A window over {@code device}'s queue; nothing happens before {@link #start}. */
    public DeliveryWindow(
            QueueStore store,
            DeviceAddress device,
            int window,
            Clock clock,
            Executor loop,
            Sink sink) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.store = store;
        this.device = device;
        this.window = window;
        this.page = Math.min(window, PAGE);
        this.clock = clock;
        this.loop = loop;
        this.sink = sink;
    }

    /**
     * Starts delivering.
     *
     * @param backlogEnd the highest seq the device had when the connection authenticated
     */
    public void start(long backlogEnd) {
        this.backlogEnd = backlogEnd;
        pump();
    }

    /** Entries just committed to the device's queue, in seq order. */
    public void newEntries(List<QueueEntry> entries) {
        if (stopped || entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).seq();
        long last = entries.get(entries.size() - 1).seq();
        long size = bytes(entries);
        if (reading) {
            notifiedWhileReading = true;
        } else if (backlogEnd >= 0
                && !storeHasMore
                && first == cursor + 1
                && buffer.size() + entries.size() <= page
                && bufferedBytes + size <= PAGE_BYTES) {
            buffer().addAll(entries);
            bufferedBytes += size;
            cursor = last;
        } else if (last > cursor) {
            storeHasMore = true;
        }
        pump();
    }

    /**
     * Entries up to {@code lastSeq} were committed by another relay node: read them from the store
     * unless this window has already seen them.
     */
    public void wake(long lastSeq) {
        if (stopped) {
            return;
        }
        if (reading) {
            notifiedWhileReading = true;
        } else if (lastSeq > cursor) {
            storeHasMore = true;
        }
        pump();
    }

    /** The client acknowledged these seqs (which may include ones pushed on older connections). */
    public void acked(Collection<Long> seqs) {
        if (!unacked.isEmpty()) {
            unacked.removeAll(seqs);
        }
        pump();
    }

    /**
     * Stops pushing until {@link #resume}: the connection cannot take more (its client does not
     * read). Entries stay queued in the store and in this window's buffer.
     */
    public void pause() {
        paused = true;
    }

    /** Pushes again after {@link #pause}. */
    public void resume() {
        paused = false;
        pump();
    }

    /** Stops delivering for good; the connection is closing. */
    public void stop() {
        stopped = true;
        buffer = EMPTY_BUFFER;
        bufferedBytes = 0;
    }

    /** How many deliveries await an ack. */
    public int unacked() {
        return unacked.size();
    }

    private ArrayDeque<QueueEntry> buffer() {
        if (buffer == EMPTY_BUFFER) {
            buffer = new ArrayDeque<>(4);
        }
        return buffer;
    }

    private Set<Long> unackedSet() {
        if (!(unacked instanceof HashSet)) {
            unacked = new HashSet<>();
        }
        return unacked;
    }

    private void pump() {
        if (stopped || paused || backlogEnd < 0) {
            return;
        }
        boolean wrote = false;
        long now = clock.millis();
        while (unacked.size() < window && !buffer.isEmpty() && sink.writable()) {
            QueueEntry entry = buffer.poll();
            bufferedBytes -= entry.ciphertext().length;
            if (!synced && entry.seq() > backlogEnd) {
                sink.synced();
                synced = true;
                wrote = true;
            }
            if (entry.expiresAt() <= now) {
                continue;
            }
            unackedSet().add(entry.seq());
            sink.deliver(entry.toDeliver());
            wrote = true;
        }
        if (!synced && buffer.isEmpty() && (!storeHasMore || cursor >= backlogEnd)) {
            sink.synced();
            synced = true;
            wrote = true;
        }
        if (wrote) {
            sink.flush();
        }
        // read the next page while half a page is still buffered, so that deliveries do not stop
        // for the store's round trip; the buffer stays under about 1.5 pages
        if (storeHasMore
                && !reading
                && buffer.size() <= page / 2
                && bufferedBytes <= PAGE_BYTES / 2) {
            read(page);
        }
    }

    private void read(int limit) {
        reading = true;
        notifiedWhileReading = false;
        store.read(device, cursor, limit, PAGE_BYTES)
                .whenCompleteAsync(
                        (entries, error) -> {
                            reading = false;
                            if (stopped) {
                                return;
                            }
                            if (error != null) {
                                stop();
                                sink.failed(error);
                                return;
                            }
                            long pageBytes = 0;
                            for (QueueEntry entry : entries) {
                                pageBytes += entry.ciphertext().length;
                                if (entry.seq() > cursor) {
                                    buffer().add(entry);
                                    bufferedBytes += entry.ciphertext().length;
                                    cursor = entry.seq();
                                }
                            }
                            // a short page is the end of the queue unless it ended on its size
                            storeHasMore =
                                    entries.size() >= limit
                                            || pageBytes >= PAGE_BYTES
                                            || notifiedWhileReading;
                            pump();
                        },
                        loop);
    }

    private static long bytes(List<QueueEntry> entries) {
        long bytes = 0;
        for (QueueEntry entry : entries) {
            bytes += entry.ciphertext().length;
        }
        return bytes;
    }
}
