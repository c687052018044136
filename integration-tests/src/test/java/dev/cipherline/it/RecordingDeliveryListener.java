package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A connection as a delivery bus sees it, recording what the bus tells it as lines such as {@code
 * wake 7}, {@code entries 1..3}, {@code ephemeral ID} and {@code replaced}.
 */
final class RecordingDeliveryListener implements DeliveryListener {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void newEntries(List<QueueEntry> entries) {
        events.add(
                "entries " + entries.get(0).seq() + ".." + entries.get(entries.size() - 1).seq());
    }

    @Override
    public void wake(long lastSeq) {
        events.add("wake " + lastSeq);
    }

    @Override
    public void ephemeral(Frame.Deliver deliver) {
        events.add("ephemeral " + deliver.clientMsgId());
    }

    @Override
    public void replaced() {
        events.add("replaced");
    }

    /**
     * Waits for {@code expected}, skipping other events.
     *
     * @return the events skipped
     */
    List<String> await(String expected, Duration timeout) throws InterruptedException {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event == null) {
                fail("no '" + expected + "' within " + timeout + "; saw " + skipped);
            }
            if (event.equals(expected)) {
                return skipped;
            }
            skipped.add(event);
        }
    }

    /** Asserts that nothing happens for {@code quiet}. */
    void assertNoEvent(Duration quiet) throws InterruptedException {
        assertNull(events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Forgets what was recorded so far. */
    void clear() {
        events.clear();
    }
}
