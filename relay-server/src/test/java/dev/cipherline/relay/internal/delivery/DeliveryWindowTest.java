package dev.cipherline.relay.internal.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.QueueStore;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.SweepResult;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeliveryWindowTest {
    private static final String ALICE = "a".repeat(32);
    private static final DeviceAddress BOB = new DeviceAddress("b".repeat(32), 1);
    private static final int WINDOW = 64;

    private final Backlog store = new Backlog(300);
    private final Recorder sink = new Recorder();
    private final DeliveryWindow window = windowOver(store, WINDOW, sink);

    @Test
    void readsTheNextPageBeforeTheBufferRunsDry() {
        window.start(300);
        store.completeNext();
        assertEquals(WINDOW, sink.delivered.size(), "a full window is out");
        // nothing acked yet, and already the next page is on its way
        assertEquals(1, store.pending.size());
    }

    @Test
    void drainsABacklogInOrderAndSaysSyncedOnceAfterIt() {
        window.start(300);
        drainInOrder(window, store, sink, 300);
        assertTrue(store.reads <= 300 / WINDOW + 2, store.reads + " reads");
    }

    @Test
    void aWideWindowReadsThePageSizeAtATimeAndKeepsTheWholeWindowInFlight() {
        Backlog backlog = new Backlog(600);
        Recorder out = new Recorder();
        DeliveryWindow wide = windowOver(backlog, 256, out);
        wide.start(600);
        while (!backlog.pending.isEmpty() && out.delivered.size() < 256) {
            assertTrue(backlog.pending.size() <= 1, "one read at a time");
            backlog.completeNext();
        }
        assertEquals(256, out.delivered.size(), "the whole window is in flight, not more");
        assertEquals(DeliveryWindow.PAGE, backlog.largestRead, "reads are a page, not a window");
        drainInOrder(wide, backlog, out, 600);
    }

    @Test
    void largeEnvelopesAreReadAboutAMegabyteAtATimeAndStillDrainToTheEnd() {
        Backlog backlog = new Backlog(600, 16 * 1024);
        Recorder out = new Recorder();
        DeliveryWindow wide = windowOver(backlog, 256, out);
        wide.start(600);
        backlog.completeNext();
        // 64 entries of 16 KiB make the page's megabyte; the window still has room
        assertEquals(64, out.delivered.size());
        assertTrue(backlog.pending.size() <= 1);
        drainInOrder(wide, backlog, out, 600);
    }

    private static DeliveryWindow windowOver(Backlog backlog, int size, Recorder out) {
        return new DeliveryWindow(
                backlog,
                BOB,
                size,
                Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC),
                Runnable::run,
                out);
    }

    /**
     * Answers every read and acks everything delivered until {@code n} entries are out; checks they
     * came in order, with {@code synced} once right after the backlog.
     */
    private static void drainInOrder(DeliveryWindow window, Backlog backlog, Recorder out, int n) {
        while (out.delivered.size() < n) {
            if (!backlog.pending.isEmpty()) {
                backlog.completeNext();
            }
            List<Long> acked =
                    new ArrayList<>(out.delivered.subList(out.acked, out.delivered.size()));
            out.acked = out.delivered.size();
            window.acked(acked);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, out.delivered.get(i));
        }
        assertEquals(1, out.synced);
        assertEquals(n, out.syncedAfter);
    }

    /** A device queue of seqs 1..n, each read answered when the test says so. */
    private static final class Backlog implements QueueStore {
        private final int size;
        private final int entryBytes;
        private final List<Runnable> pending = new ArrayList<>();
        private int reads;
        private int largestRead;

        Backlog(int size) {
            this(size, 1);
        }

        Backlog(int size, int entryBytes) {
            this.size = size;
            this.entryBytes = entryBytes;
        }

        void completeNext() {
            pending.remove(0).run();
        }

        @Override
        public CompletableFuture<List<QueueEntry>> read(
                DeviceAddress device, long afterSeq, int limit, long maxBytes) {
            reads++;
            largestRead = Math.max(largestRead, limit);
            CompletableFuture<List<QueueEntry>> page = new CompletableFuture<>();
            pending.add(
                    () -> {
                        List<QueueEntry> entries = new ArrayList<>();
                        long bytes = 0;
                        for (long seq = afterSeq + 1;
                                seq <= size && entries.size() < limit && bytes < maxBytes;
                                seq++) {
                            bytes += entryBytes;
                            entries.add(
                                    new QueueEntry(
                                            seq,
                                            ALICE,
                                            1,
                                            "m" + seq,
                                            Kind.MESSAGE,
                                            1,
                                            99_999,
                                            new byte[entryBytes]));
                        }
                        page.complete(entries);
                    });
            return page;
        }

        @Override
        public CompletableFuture<SendOutcome> store(SendRequest send) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> lastSeq(DeviceAddress device) {
            return CompletableFuture.completedFuture((long) size);
        }

        @Override
        public CompletableFuture<Integer> ack(DeviceAddress device, List<Long> seqs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<SweepResult> sweep() {
            throw new UnsupportedOperationException();
        }
    }

    private static final class Recorder implements DeliveryWindow.Sink {
        private final List<Long> delivered = new ArrayList<>();
        private int acked;
        private int synced;
        private int syncedAfter;

        @Override
        public void deliver(Frame.Deliver deliver) {
            delivered.add(deliver.seq());
        }

        @Override
        public void synced() {
            synced++;
            syncedAfter = delivered.size();
        }

        @Override
        public void flush() {}

        @Override
        public void failed(Throwable cause) {
            throw new AssertionError(cause);
        }
    }
}
