package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.StoreClosedException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The single writer of the database, with group commit: tasks submitted from any thread queue up,
 * and the writer runs every queued task in one transaction (each under its own savepoint, so one
 * failing task does not undo the others), commits once, and only then completes their futures.
 * While one batch is being committed (and synced to disk) the next one gathers, so the number of
 * syncs per second stays bounded however many senders there are.
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

    /** Runs after every commit, and after a failed commit, on the writer thread. */
    interface CommitListener {
        void afterCommit(boolean committed);
    }

    private record Pending<T>(Task<T> task, CompletableFuture<T> future) {}

    private final Statements db;
    private final Executor executor;
    private final CommitListener listener;
    private final Object lock = new Object();
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    private boolean scheduled;
    private boolean closed;

    SqliteWriter(Statements db, Executor executor, CommitListener listener) throws SQLException {
        this.db = db;
        this.executor = executor;
        this.listener = listener;
        db.connection().setAutoCommit(false);
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
        List<Object> results = new ArrayList<>(batch.size());
        Connection connection = db.connection();
        for (Pending<?> pending : batch) {
            results.add(runOne(pending.task()));
        }
        boolean committed;
        try {
            connection.commit();
            committed = true;
        } catch (SQLException e) {
            LOG.log(Level.ERROR, "commit of a batch of " + batch.size() + " writes failed", e);
            rollbackQuietly(connection);
            committed = false;
        }
        listener.afterCommit(committed);
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), committed);
        }
    }

    private Object runOne(Task<?> task) {
        Connection connection = db.connection();
        Savepoint savepoint = null;
        try {
            savepoint = connection.setSavepoint();
            Object result = task.run(db);
            connection.releaseSavepoint(savepoint);
            return result;
        } catch (SQLException | RuntimeException e) {
            if (savepoint != null) {
                try {
                    connection.rollback(savepoint);
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
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

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "rollback after a failed commit failed", e);
        }
    }
}
