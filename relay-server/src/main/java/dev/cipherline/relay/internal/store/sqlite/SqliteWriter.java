package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.CommitObserver;
import dev.cipherline.relay.internal.store.StoreClosedException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The single writer of the database, with group commit: tasks submitted from any thread queue up,
 * and the writer runs every queued task in one transaction, commits once, and only then completes
 * their futures. While one batch is being committed (and synced to disk) the next one gathers, so
 * the number of syncs per second stays bounded however many senders there are.
 *
 * <p>A batch first runs without savepoints, the cheap common case. If a task throws, the whole
 * transaction is rolled back, the {@link Listener} forgets what it cached, and the batch runs again
 * with each task under its own savepoint, so one failing task does not undo the others.
 *
 * <p>The connection is touched only by tasks run on the writer executor, which must run one task at
 * a time.
 */
final class SqliteWriter {
    private static final System.Logger LOG = System.getLogger(SqliteWriter.class.getName());
    private static final int MAX_BATCH = 1024;

    /** Work done inside the writer's transaction. */
    interface Task<T> {
        T run(Statements db) throws SQLException;
    }

    /** Hooks around the transaction, called on the writer thread. */
    interface Listener {
        /** Writes what the tasks of the batch left in memory; runs inside the transaction. */
        void beforeCommit(Statements db) throws SQLException;

        /**
         * The transaction was rolled back (a task failed, or the commit did): whatever the tasks
         * cached in memory since the last commit must be forgotten.
         */
        void rolledBack();

        /** The transaction committed: what the tasks kept for a rollback can be dropped. */
        default void committed() {}
    }

    private record Pending<T>(Task<T> task, CompletableFuture<T> future) {}

    private final Statements db;
    private final Executor executor;
    private final Listener listener;
    private final Object lock = new Object();
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    private boolean scheduled;
    private boolean closed;
    private volatile CommitObserver observer = CommitObserver.NONE;

    SqliteWriter(Statements db, Executor executor, Listener listener) throws SQLException {
        this.db = db;
        this.executor = executor;
        this.listener = listener;
        db.connection().setAutoCommit(false);
    }

    /** Tells {@code observer} about every batch committed from now on. */
    void observe(CommitObserver observer) {
        this.observer = observer;
    }

    /**
     * Queues a task for the next batch.
     *
     * @return a future completed after the batch committed, or failed with the task's exception, or
     *     with {@link StoreClosedException} if the writer is closed
     */
    <T> CompletableFuture<T> submit(Task<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        boolean schedule;
        synchronized (lock) {
            if (closed) {
                future.completeExceptionally(new StoreClosedException());
                return future;
            }
            queue.add(new Pending<>(task, future));
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            executor.execute(this::drain);
        }
        return future;
    }

    /**
     * Refuses new tasks from now on.
     *
     * @return completes when every task submitted before has been committed and answered
     */
    CompletableFuture<Void> close() {
        synchronized (lock) {
            closed = true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(
                () -> {
                    drain();
                    done.complete(null);
                });
        return done;
    }

    private void drain() {
        List<Pending<?>> batch = new ArrayList<>();
        while (true) {
            synchronized (lock) {
                batch.clear();
                while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
                    batch.add(queue.poll());
                }
                if (batch.isEmpty()) {
                    scheduled = false;
                    return;
                }
            }
            runBatch(batch);
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        long started = System.nanoTime();
        Object[] results = runAll(batch, false);
        if (results == null) {
            rollback();
            results = runAll(batch, true);
        }
        boolean committed;
        try {
            listener.beforeCommit(db);
            db.connection().commit();
            committed = true;
            listener.committed();
            observer.committed(batch.size(), System.nanoTime() - started);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.ERROR, "commit of a batch of " + batch.size() + " writes failed", e);
            rollback();
            committed = false;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], committed);
        }
    }

    /**
     * Runs every task of the batch.
     *
     * @param isolated whether each task runs under its own savepoint
     * @return the results (a {@link Failure} for a task that threw), or null if a task threw while
     *     not isolated: the transaction then holds partial work and must be rolled back
     */
    private Object[] runAll(List<Pending<?>> batch, boolean isolated) {
        Object[] results = new Object[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Task<?> task = batch.get(i).task();
            if (isolated) {
                results[i] = runIsolated(task);
            } else {
                try {
                    results[i] = task.run(db);
                } catch (SQLException | RuntimeException e) {
                    return null;
                }
            }
        }
        return results;
    }

    private Object runIsolated(Task<?> task) {
        try {
            db.get("SAVEPOINT task").execute();
        } catch (SQLException e) {
            return new Failure(e);
        }
        try {
            Object result = task.run(db);
            db.get("RELEASE task").execute();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                db.get("ROLLBACK TO task").execute();
                db.get("RELEASE task").execute();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            return new Failure(e);
        }
    }

    private record Failure(Exception cause) {}

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result, boolean committed) {
        if (!committed) {
            pending.future().completeExceptionally(new SQLException("the batch did not commit"));
        } else if (result instanceof Failure failure) {
            pending.future().completeExceptionally(failure.cause());
        } else {
            pending.future().complete((T) result);
        }
    }

    private void rollback() {
        try {
            db.connection().rollback();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "rollback of a batch failed", e);
        }
        listener.rolledBack();
    }
}
