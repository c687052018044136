package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code cipherline-outbox} thread: while connected, sends due outbox entries oldest first,
 * never passing an older entry of the same recipient (so messages keep their order), in batches
 * that share one synced commit ({@link OutboxBatchSender}), and runs prekey maintenance when asked.
 * It sleeps until woken (new message, connection change) or until the next entry is due.
 */
final class OutboxWorker {
    private static final System.Logger LOG = System.getLogger(OutboxWorker.class.getName());
    private static final long IDLE_WAIT_MS = 60_000;

    private final OutboxStore outbox;
    private final OutboxBatchSender sender;
    private final PreKeyMaintainer prekeys;
    private final Supplier<ConnectionState> connection;
    private final Clock clock;
    private final Thread thread;
    private final Object monitor = new Object();

    // guarded by monitor
    private boolean signaled;
    private boolean preKeyCheck;
    private volatile boolean stopped;

    OutboxWorker(
            OutboxStore outbox,
            OutboxBatchSender sender,
            PreKeyMaintainer prekeys,
            Supplier<ConnectionState> connection,
            Clock clock) {
        this.outbox = outbox;
        this.sender = sender;
        this.prekeys = prekeys;
        this.connection = connection;
        this.clock = clock;
        this.thread = new Thread(this::run, "cipherline-outbox");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Makes the worker look at the outbox and the connection again. */
    void wake() {
        synchronized (monitor) {
            signaled = true;
            monitor.notifyAll();
        }
    }

    /** Asks for a prekey count check on the current connection. */
    void requestPreKeyCheck() {
        synchronized (monitor) {
            preKeyCheck = true;
            signaled = true;
            monitor.notifyAll();
        }
    }

    /** Stops the thread and waits for it (the caller has closed the connection first). */
    void stop() {
        stopped = true;
        wake();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!stopped) {
            try {
                if (connection.get() != ConnectionState.CONNECTED) {
                    await(IDLE_WAIT_MS);
                    continue;
                }
                if (takePreKeyCheck()) {
                    prekeys.check();
                    continue;
                }
                long now = clock.millis();
                long nextDue = Long.MAX_VALUE;
                OutboxStore.Entry due = null;
                List<OutboxStore.Entry> heads = outbox.heads();
                for (OutboxStore.Entry e : heads) {
                    if (e.nextAttemptAt() <= now) {
                        due = e;
                        break;
                    }
                    nextDue = Math.min(nextDue, e.nextAttemptAt());
                }
                if (due == null) {
                    await(nextDue == Long.MAX_VALUE ? IDLE_WAIT_MS : nextDue - now);
                    continue;
                }
                sender.send(sender.collect(due, heads, now));
            } catch (ChatException e) {
                if (stopped || e.reason() == ChatException.Reason.CLOSED) {
                    return;
                }
                LOG.log(System.Logger.Level.DEBUG, "outbox work failed: {0}", e.getMessage());
                await(1_000);
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "outbox work failed", e);
                await(1_000);
            }
        }
    }

    private boolean takePreKeyCheck() {
        synchronized (monitor) {
            boolean check = preKeyCheck;
            preKeyCheck = false;
            return check;
        }
    }

    private void await(long millis) {
        synchronized (monitor) {
            if (!signaled && !stopped && millis > 0) {
                try {
                    monitor.wait(Math.min(millis, IDLE_WAIT_MS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
            signaled = false;
        }
    }
}
