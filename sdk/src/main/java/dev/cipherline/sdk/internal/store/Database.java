package dev.cipherline.sdk.internal.store;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.StoreKeys;
import dev.cipherline.sdk.ChatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

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
 * <p>Why one class of about 500 lines: the connection, its lock, nested transactions, the synced
 * and unsynced commits and the commit listeners share one piece of state (the open transaction)
 * that must not be reachable from outside; the at-rest sealing it hands out is in {@code
 * SealedColumns}.
 */
public final class Database implements AutoCloseable {
    /** The file name inside the home folder. */
    public static final String FILE_NAME = "cipherline.db";

    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile StoreKeys.RowCipher cipher;
    private int depth;
    private boolean closed;

    private Database(Connection connection) {
        this.connection = connection;
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
     * Opens (creating if needed) the store in {@code home} and brings its schema up to date.
     *
     * @throws ChatException STORE_FAILURE if it cannot be opened or is from a newer SDK
     */
    public static Database open(Path home) {
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE, "cannot create the folder " + home, e);
        }
        Connection connection = null;
        try {
            SQLiteConfig config = new SQLiteConfig();
            // no insert reads getGeneratedKeys() (those that need their row ID ask with
            // RETURNING); left on, the driver matches every executeUpdate's SQL against a pattern
            // and, for an INSERT, prepares and runs "SELECT last_insert_rowid()" after it: a tenth
            // of the SDK's CPU per message in the burst benchmark
            config.setGetGeneratedKeys(false);
            // the driver's default waits 3 s for a lock; the store's lock is taken once, below
            config.setBusyTimeout(0);
            connection =
                    config.createConnection(
                            "jdbc:sqlite:" + home.resolve(FILE_NAME).toAbsolutePath());
            try (Statement s = connection.createStatement()) {
                // One client per store: the SDK keeps session records in memory and writes them
                // through, so a second process on the same store would encrypt from a stale
                // ratchet. In EXCLUSIVE mode the connection takes the file's lock when it opens the
                // WAL and keeps it until it closes (which also spares two lock system calls per
                // transaction and the shared-memory index); with no busy timeout yet, a store that
                // another client holds fails here at once.
                s.execute("PRAGMA locking_mode=EXCLUSIVE");
                try {
                    s.execute("PRAGMA journal_mode=WAL");
                } catch (SQLException e) {
                    if (busy(e)) {
                        throw new ChatException(
                                ChatException.Reason.IN_USE,
                                "the store in "
                                        + home
                                        + " is in use by another Cipherline client; close that"
                                        + " one first",
                                e);
                    }
                    throw e;
                }
                // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss.
                // An incoming message is acknowledged to the relay (which then deletes its copy)
                // right after its commit, and a session step is committed before the envelope it
                // encrypted leaves, so a commit that precedes a byte leaving the device must be
                // durable. Only the commits whose loss is harmless use transactionUnsynced.
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA foreign_keys=ON");
                // overwrite deleted and replaced content, so nothing lingers in free pages
                s.execute("PRAGMA secure_delete=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            Schema.migrate(connection);
            return new Database(StatementCache.wrap(connection));
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE,
                    "cannot open the store in " + home + ": " + e.getMessage(),
                    e);
        } catch (ChatException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** SQLITE_BUSY (any extended code): another connection holds the lock. */
    private static boolean busy(SQLException e) {
        return e instanceof org.sqlite.SQLiteException se
                && (se.getResultCode().code & 0xff) == org.sqlite.SQLiteErrorCode.SQLITE_BUSY.code;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
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
            db.unlock(unlock, StoreKeys.Argon2Cost.DEFAULT);
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

    /** How the store's key is protected, or empty if it has none yet. Needs no unlocking. */
    public java.util.Optional<StoreKeyTable.Scheme> keyScheme() {
        return sqlRead(
                c -> {
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT scheme FROM store_key WHERE id = 1");
                            ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return java.util.Optional.<StoreKeyTable.Scheme>empty();
                        }
                        try {
                            return java.util.Optional.of(
                                    StoreKeyTable.Scheme.valueOf(rs.getString(1)));
                        } catch (IllegalArgumentException e) {
                            throw new ChatException(
                                    ChatException.Reason.STORE_FAILURE,
                                    "the local store's key row names an unknown scheme");
                        }
                    }
                });
    }

    /**
     * Forgets the key of a store that holds no identity yet (an {@code init} that failed before
     * storing one), so that a new one is made with the next unlock. Nothing is encrypted under it.
     */
    public void forgetKeyOfEmptyStore() {
        sqlTransaction(
                c -> {
                    if (Sql.number(c, "SELECT COUNT(*) FROM identity") == 0) {
                        Sql.execute(c, "DELETE FROM store_key");
                    }
                    return null;
                });
    }

    /**
     * Opens the store's encryption: unwraps the data key with {@code unlock}; on a store without a
     * key yet, creates one protected by {@code unlock} and encrypts whatever sensitive rows a store
     * from before encryption holds. Until this is called, reading or writing a sensitive column
     * fails.
     *
     * @throws ChatException LOCKED if the passphrase or key is wrong or of another kind than the
     *     store's; STORE_FAILURE
     */
    public void unlock(StoreKeyTable.Unlock unlock, StoreKeys.Argon2Cost cost) {
        byte[] dataKey =
                sqlTransaction(
                        c -> {
                            if (StoreKeyTable.exists(c)) {
                                return StoreKeyTable.open(c, unlock);
                            }
                            byte[] created = StoreKeyTable.create(c, unlock, cost);
                            SealedColumns.encryptExisting(c, new StoreKeys.RowCipher(created));
                            return created;
                        });
        try {
            cipher = new StoreKeys.RowCipher(dataKey);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
        // no clear value of a store from before encryption may stay in the log
        checkpoint();
    }

    /**
     * Re-wraps the data key under {@code next} after unwrapping it with {@code current}; no row is
     * re-encrypted.
     *
     * @throws ChatException LOCKED if {@code current} does not open the store
     */
    public void rewrap(
            StoreKeyTable.Unlock current, StoreKeyTable.Unlock next, StoreKeys.Argon2Cost cost) {
        sqlTransaction(
                c -> {
                    if (!StoreKeyTable.exists(c)) {
                        throw new ChatException(
                                ChatException.Reason.STORE_FAILURE,
                                "the local store has no key to change yet; open it once first");
                    }
                    byte[] dataKey = StoreKeyTable.open(c, current);
                    try {
                        StoreKeyTable.rewrap(c, dataKey, next, cost);
                    } finally {
                        Arrays.fill(dataKey, (byte) 0);
                    }
                    return null;
                });
        checkpoint();
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
     * Encrypts a sensitive value for column {@code field} ({@code table.column}) of the row whose
     * key is {@code rowKey}; it opens only there.
     */
    public byte[] seal(String field, String rowKey, byte[] plaintext) {
        return cipher().seal(plaintext, SealedColumns.context(field, rowKey));
    }

    /** {@link #seal} for text. */
    public byte[] sealText(String field, String rowKey, String text) {
        return seal(field, rowKey, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decrypts a value sealed by {@link #seal} for the same field and row key.
     *
     * @throws ChatException STORE_FAILURE if it does not authenticate (the file was altered or
     *     values were moved between rows)
     */
    public byte[] unseal(String field, String rowKey, byte[] sealed) {
        try {
            return cipher().open(sealed, SealedColumns.context(field, rowKey));
        } catch (CryptoException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE,
                    "an encrypted value in the local store ("
                            + field
                            + ") does not authenticate: the file was altered or damaged",
                    e);
        }
    }

    /** {@link #unseal} for text. */
    public String unsealText(String field, String rowKey, byte[] sealed) {
        return new String(unseal(field, rowKey, sealed), StandardCharsets.UTF_8);
    }

    private StoreKeys.RowCipher cipher() {
        StoreKeys.RowCipher c = cipher;
        if (c == null) {
            throw new ChatException(
                    ChatException.Reason.LOCKED, "the local store was not unlocked");
        }
        return c;
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
                T result = work.run(connection);
                for (Listener l : listeners) {
                    l.beforeCommit(connection);
                }
                connection.commit();
                for (Listener l : listeners) {
                    l.committed();
                }
                return result;
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
        lock.lock();
        try {
            checkOpen();
            if (depth > 0) {
                return sqlTransaction(work);
            }
            synchronous("NORMAL");
            try {
                return sqlTransaction(work);
            } finally {
                synchronous("FULL");
            }
        } finally {
            lock.unlock();
        }
    }

    private void synchronous(String mode) {
        // prepared, so that the statement cache parses each of the two once
        try (PreparedStatement s = connection.prepareStatement("PRAGMA synchronous=" + mode)) {
            s.execute();
        } catch (SQLException e) {
            if (mode.equals("FULL")) {
                // never leave the connection unsynced for the transactions that need it: a store
                // that cannot say FULL again is closed, and the client reports CLOSED from now on
                closed = true;
                try {
                    connection.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw failure(e);
        }
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
