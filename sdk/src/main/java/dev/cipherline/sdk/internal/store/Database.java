package dev.cipherline.sdk.internal.store;

import dev.cipherline.crypto.StoreKeys;
import dev.cipherline.sdk.ChatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's SQLite file, {@code <home>/cipherline.db}: one connection shared by every thread of
 * the client and guarded by one lock, so a transaction (e.g. decrypt + store message + session
 * state) is atomic with respect to every other store access. Transactions nest: an inner {@link
 * #transaction} joins the outer one.
 *
 * <p>In-memory caches over the tables register a {@link Listener}: they stage what a transaction
 * writes and apply it when the outermost transaction commits, or drop it when it rolls back, so a
 * cache is never ahead of (or behind) the file.
 *
 * <p>Code outside this package never sees the connection: a transaction hands its work a {@link
 * Tx}, which the stores' methods take. Opening the file is {@link StoreFile}; the at-rest key and
 * the column cipher are {@link AtRestKey} ({@link #keys()}).
 */
public final class Database implements AutoCloseable {
    /** The file name inside the home folder. */
    public static final String FILE_NAME = "cipherline.db";

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtRestKey keys = new AtRestKey(this);
    private int depth;
    private boolean closed;
    private boolean committingDurably;

    private final WalSync sync;

    private Database(Connection connection, Path file) {
        this.connection = connection;
        this.sync = new WalSync(file);
    }

    /** Work done in a transaction (or under the lock), with a {@link Tx} for the stores. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx);
    }

    /**
     * Told, under the store's lock, how each outermost transaction ended. {@link #committed} is
     * called after the commit succeeded, {@link #rolledBack} after the rollback; neither may throw.
     */
    public interface Listener {
        /**
         * Called once the outermost transaction's work is done, right before its commit, inside the
         * transaction: a listener that defers writes ({@link SignalStore}'s session records) issues
         * them here, so that they commit (or roll back) with the rest. A failure rolls the
         * transaction back.
         */
        default void beforeCommit(Connection connection) throws SQLException {}

        void committed();

        void rolledBack();
    }

    /** The store's at-rest key: unlocking, changing its protection, sealing columns. */
    public AtRestKey keys() {
        return keys;
    }

    /** Registers a cache that stages its updates per transaction. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Whether the calling thread is inside a transaction (it holds the lock and {@link
     * #transaction} is running): writes made now commit or roll back with it.
     */
    public boolean inTransaction() {
        return lock.isHeldByCurrentThread() && depth > 0;
    }

    /**
     * Opens (creating if needed) the store in {@code home} and brings its schema up to date; see
     * {@link StoreFile#open}.
     *
     * @throws ChatException STORE_FAILURE if it cannot be opened or is from a newer SDK; IN_USE if
     *     another client holds it
     */
    public static Database open(Path home) {
        return new Database(StoreFile.open(home), home.resolve(FILE_NAME).toAbsolutePath());
    }

    /**
     * Opens (creating if needed) the store in {@code home} and unlocks it with {@code unlock} (the
     * default Argon2id cost for a new passphrase).
     *
     * @throws ChatException LOCKED or STORE_FAILURE, after closing the store
     */
    public static Database open(Path home, StoreKeyTable.Unlock unlock) {
        Database db = open(home);
        try {
            db.keys.unlock(unlock, StoreKeys.Argon2Cost.DEFAULT);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** {@link #open(Path, StoreKeyTable.Unlock)} for an unprotected store (tests, benchmarks). */
    public static Database openUnprotected(Path home) {
        return open(home, StoreKeyTable.Unlock.NONE);
    }

    /** Moves the write-ahead log into the database file and truncates it. */
    public void checkpoint() {
        sqlRead(
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    }
                    return null;
                });
    }

    /**
     * Whether {@code home} holds a store with an identity. Does not create anything.
     *
     * @throws ChatException STORE_FAILURE if a store exists but cannot be read
     */
    public static boolean holdsIdentity(Path home) {
        if (!Files.isRegularFile(home.resolve(FILE_NAME))) {
            return false;
        }
        try (Database db = open(home)) {
            return db.sqlRead(
                    c -> {
                        try (PreparedStatement ps =
                                        c.prepareStatement("SELECT COUNT(*) FROM identity");
                                ResultSet rs = ps.executeQuery()) {
                            return rs.next() && rs.getInt(1) > 0;
                        }
                    });
        }
    }

    /**
     * Runs {@code work} in a transaction: committed if it returns, rolled back if it throws. Joins
     * an enclosing transaction of the same thread.
     *
     * @throws ChatException STORE_FAILURE on an SQL failure (after rolling back)
     */
    public <T> T transaction(Work<T> work) {
        return sqlTransaction(c -> work.run(new Tx(this, c)));
    }

    /** {@link #transaction} with the connection, for the stores. */
    <T> T sqlTransaction(Tx.SqlWork<T> work) {
        return sqlTransaction(work, true);
    }

    /**
     * Runs {@code work} in a transaction: committed if it returns, rolled back if it throws. If
     * {@code durable}, returns only once the commit is on disk ({@link WalSync}): the flush runs
     * after the lock is released, so other threads use the store meanwhile. Joins an enclosing
     * transaction of the same thread, which then decides.
     */
    private <T> T sqlTransaction(Tx.SqlWork<T> work, boolean durable) {
        long commit;
        T result;
        lock.lock();
        try {
            checkOpen();
            if (depth > 0) {
                depth++;
                try {
                    return work.run(connection);
                } catch (SQLException e) {
                    throw failure(e);
                } finally {
                    depth--;
                }
            }
            depth = 1;
            try {
                connection.setAutoCommit(false);
                result = work.run(connection);
                for (Listener l : listeners) {
                    l.beforeCommit(connection);
                }
                connection.commit();
                commit = sync.committed();
                committingDurably = durable;
                for (Listener l : listeners) {
                    l.committed();
                }
            } catch (SQLException e) {
                rollback();
                throw failure(e);
            } catch (RuntimeException | Error e) {
                rollback();
                throw e;
            } finally {
                depth = 0;
                try {
                    connection.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is broken; the next call reports it
                }
            }
        } finally {
            lock.unlock();
        }
        if (durable) {
            syncTo(commit);
        }
        return result;
    }

    /**
     * Whether the outermost commit being reported to the {@link Listener}s will be flushed to disk
     * before its transaction returns (for tests; valid inside {@link Listener#committed}).
     */
    boolean committingDurably() {
        return committingDurably;
    }

    /** The number of commits so far, and how many of them are known to be on disk (for tests). */
    long[] commitsAndSynced() {
        return sync.counts();
    }

    private void syncTo(long commit) {
        try {
            sync.syncTo(commit);
        } catch (IOException e) {
            // after a failed flush the file's state on disk is unknown: a store that cannot be
            // synced is closed, and the client reports CLOSED from now on
            close();
            throw WalSync.failure(e);
        }
    }

    /**
     * Runs {@code work} in a transaction whose commit is not synced to disk on its own: it survives
     * the app being killed (it is in the WAL in the operating system's cache) and becomes durable
     * against power loss with the next synced commit, which syncs the WAL up to it. Only for writes
     * whose loss on power failure is harmless, because nothing that depends on them has left the
     * device yet or because they are redone: a queued message that was never sent (lost, it never
     * reached the relay), a sent message's outbox entry and SENT mark (lost, the entry is sent
     * again with the same clientMsgId and the relay answers it as the duplicate it is). See
     * ARCHITECTURE.md, "Durability of the SDK store". Joins an enclosing transaction, which then
     * decides.
     *
     * @throws ChatException STORE_FAILURE on an SQL failure (after rolling back)
     */
    public <T> T transactionUnsynced(Work<T> work) {
        return sqlTransactionUnsynced(c -> work.run(new Tx(this, c)));
    }

    /** {@link #transactionUnsynced} with the connection, for the stores. */
    <T> T sqlTransactionUnsynced(Tx.SqlWork<T> work) {
        return sqlTransaction(work, false);
    }

    /**
     * Runs {@code work} holding the store's lock, inside the current transaction if there is one.
     *
     * @throws ChatException STORE_FAILURE on an SQL failure
     */
    public <T> T read(Work<T> work) {
        return sqlRead(c -> work.run(new Tx(this, c)));
    }

    /** {@link #read} with the connection, for the stores. */
    <T> T sqlRead(Tx.SqlWork<T> work) {
        lock.lock();
        try {
            checkOpen();
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            lock.unlock();
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original failure is reported
        }
        for (Listener l : listeners) {
            l.rolledBack();
        }
    }

    /** Throws unless the calling thread holds the store's lock (a {@link Tx} is in use). */
    void checkHeld() {
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("a store handle used outside its transaction");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new ChatException(ChatException.Reason.CLOSED, "the store is closed");
        }
    }

    static ChatException failure(SQLException e) {
        return new ChatException(
                ChatException.Reason.STORE_FAILURE, "the local store failed: " + e.getMessage(), e);
    }

    /** Closes the connection; idempotent. Waits for a running transaction to finish. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                sync.close();
                try {
                    connection.close();
                } catch (SQLException e) {
                    throw failure(e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
