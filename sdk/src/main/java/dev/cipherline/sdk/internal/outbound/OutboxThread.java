package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ConnectionState;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The {@code cipherline-outbox} thread: while connected, has the {@link OutboxScheduler} send what
 * is due, and runs prekey maintenance when asked. It sleeps until woken (new message, connection
 * change) or until the next entry is due.
 */
public final class OutboxThread {
    private static final System.Logger LOG = System.getLogger(OutboxThread.class.getName());
    private static final long IDLE_WAIT_MS = 60_000;

    private final OutboxScheduler scheduler;
    private final Runnable preKeys;
    private final Supplier<ConnectionState> connection;
    private final Clock clock;
    private final Thread thread;
    private final Object monitor = new Object();

    // guarded by monitor
    private boolean signaled;
    private boolean preKeyCheck;
    private volatile boolean stopped;

    /**
     * A thread (not started) that sends through {@code scheduler} while {@code connection} is
     * {@code CONNECTED}, and runs {@code preKeys} (which may throw {@link ChatException}) when
     * asked.
     */
    public OutboxThread(
            OutboxScheduler scheduler,
            Runnable preKeys,
            Supplier<ConnectionState> connection,
            Clock clock) {
        this.scheduler = scheduler;
        this.preKeys = preKeys;
        this.connection = connection;
        this.clock = clock;
        this.thread = new Thread(this::run, "cipherline-outbox");
        this.thread.setDaemon(true);
    }

    /** Starts the thread. */
    public void start() {
        thread.start();
    }

    /** Makes the worker look at the outbox and the connection again. */
    public void wake() {
        synchronized (monitor) {
            signaled = true;
            monitor.notifyAll();
        }
    }

    /** Asks for a prekey count check on the current connection. */
    public void requestPreKeyCheck() {
        synchronized (monitor) {
            preKeyCheck = true;
            signaled = true;
            monitor.notifyAll();
        }
    }

    /** Stops the thread and waits for it (the caller has closed the connection first). */
    public void stop() {
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
                    preKeys.run();
                    continue;
                }
                long nextDue = scheduler.sendDue();
                if (nextDue > 0) {
                    long now = clock.millis();
                    await(nextDue == Long.MAX_VALUE ? IDLE_WAIT_MS : nextDue - now);
                }
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
