package dev.cipherline.relay.internal.store.sqlite;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Copies committed pages from the WAL into the database file on a thread of its own, a passive
 * checkpoint at a fixed interval, so that the writer rarely does it. A checkpoint run by the writer
 * after its commit (SQLite's automatic one) holds up every batch behind it while it copies and
 * syncs thousands of pages; with this one running, the writer's own checkpoint finds almost
 * everything already copied. A passive checkpoint never blocks the writer or the readers.
 */
final class Checkpointer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());

    private final Connection connection;
    private final ScheduledExecutorService thread;
    private boolean warned;

    /** Starts checkpointing through {@code connection}, which it closes when closed. */
    Checkpointer(Connection connection, Duration interval) {
        this.connection = connection;
        this.thread =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "relay-store-checkpoint");
                            t.setDaemon(true);
                            return t;
                        });
        long millis = interval.toMillis();
        thread.scheduleWithFixedDelay(this::checkpoint, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void checkpoint() {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
            warned = false;
        } catch (SQLException e) {
            // the writer's own checkpoint still bounds the WAL; say so once per failing stretch
            if (!warned) {
                LOG.log(Level.WARNING, "background checkpoint failed: " + e.getMessage());
                warned = true;
            }
        }
    }

    /** Stops checkpointing and closes the connection. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "the background checkpoint did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "closing the checkpoint connection failed: " + e.getMessage());
        }
    }
}
