package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.internal.Log;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The {@code cipherline-outbox} thread: while connected, has the {@link OutboxScheduler} send what
 * is due, and runs prekey maintenance when asked. It sleeps until woken (new message, connection
 * change) or until the next entry is due.
 *
 * <p><b>Lingering in a burst.</b> A message sent on its own goes at once. But when the app queues
 * messages in quick succession (two wakes less than {@link #BURST_GAP_NANOS} apart), the thread
 * waits until the burst pauses for that long, {@link OutboxScheduler#MAX_BATCH} wakes came, or
 * {@link #MAX_LINGER_NANOS} passed, and only then sends. Without it, each message of a burst would
 * be encrypted and synced on its own, holding the store's lock through every sync while the app's
 * next {@code send} waits for it: one sync per message. Lingering lets the app queue at the store's
 * speed and gives the scheduler whole batches (one sync each, pipelined to the relay).
 */
public final class OutboxThread {
    private static final Log LOG = Log.get(OutboxThread.class.getName());
    private static final long IDLE_WAIT_MS = 60_000;

    /** Wakes closer together than this are a burst; a pause this long ends it. */
    static final long BURST_GAP_NANOS = 1_000_000;

    /** A burst delays sending by at most this much. */
    static final long MAX_LINGER_NANOS = 5_000_000;

    private final OutboxScheduler scheduler;
    private final Runnable preKeys;
    private final Supplier<ConnectionState> connection;
    private final Clock clock;
    private final Thread thread;
    private final Object monitor = new Object();

    // guarded by monitor
    private boolean signaled;
    private boolean preKeyCheck;
    private long lastWake = Long.MIN_VALUE / 2;
    private long gapBeforeLastWake = Long.MAX_VALUE;
    private int wakesSinceSend;
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
            long now = System.nanoTime();
            gapBeforeLastWake = now - lastWake;
            lastWake = now;
            wakesSinceSend++;
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
                lingerInBurst();
                long nextDue = scheduler.sendDue();
                if (nextDue > 0) {
                    long now = clock.millis();
                    await(nextDue == Long.MAX_VALUE ? IDLE_WAIT_MS : nextDue - now);
                }
            } catch (ChatException e) {
                if (stopped || e.reason() == ChatException.Reason.CLOSED) {
                    return;
                }
                LOG.log(Log.Level.DEBUG, "outbox work failed: {0}", e.getMessage());
                await(1_000);
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                LOG.log(Log.Level.WARNING, "outbox work failed", e);
                await(1_000);
            }
        }
    }

    /** Waits while the app is queueing messages in quick succession (see the class comment). */
    private void lingerInBurst() {
        synchronized (monitor) {
            long start = System.nanoTime();
            while (!stopped
                    && gapBeforeLastWake < BURST_GAP_NANOS
                    && wakesSinceSend < OutboxScheduler.MAX_BATCH) {
                long now = System.nanoTime();
                long quiet = now - lastWake;
                long left = Math.min(BURST_GAP_NANOS - quiet, MAX_LINGER_NANOS - (now - start));
                if (left <= 0) {
                    break;
                }
                try {
                    monitor.wait(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
            wakesSinceSend = 0;
            // the next send of the app starts a new measure of the gap
            gapBeforeLastWake = Long.MAX_VALUE;
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
