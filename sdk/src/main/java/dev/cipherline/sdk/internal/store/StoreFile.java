package dev.cipherline.sdk.internal.store;

import dev.cipherline.sdk.ChatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Opens the client's SQLite file with the settings the store depends on (one client at a time, WAL,
 * synced commits, secure delete) and migrates its schema. {@link Database} is the only caller.
 */
final class StoreFile {
    private StoreFile() {}

    /**
     * Opens (creating if needed) the store in {@code home} and brings its schema up to date.
     *
     * @throws ChatException STORE_FAILURE if it cannot be opened or is from a newer SDK
     */
    static Connection open(Path home) {
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
                            "jdbc:sqlite:" + home.resolve(Database.FILE_NAME).toAbsolutePath());
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
                // NORMAL: a commit writes the WAL but does not flush it. An incoming message is
                // acknowledged to the relay (which then deletes its copy) right after its commit,
                // and a session step is committed before the envelope it encrypted leaves, so those
                // commits must be durable: Database flushes the WAL after them, outside its lock
                // (WalSync), which is what FULL would do inside it. Only the commits whose loss is
                // harmless skip the flush (transactionUnsynced).
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA foreign_keys=ON");
                // overwrite deleted and replaced content, so nothing lingers in free pages
                s.execute("PRAGMA secure_delete=ON");
                s.execute("PRAGMA busy_timeout=5000");
            }
            Schema.migrate(connection);
            return StatementCache.wrap(connection);
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
}
