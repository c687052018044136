package dev.cipherline.sdk.internal.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A handle on the store while {@link Database#transaction} (or {@link Database#read}) runs: the
 * stores' methods that must join the caller's transaction take it, so that code outside this
 * package composes store operations atomically without ever holding a JDBC connection. Valid only
 * on the thread that got it and until that call returns.
 */
public final class Tx {
    private final Database db;
    private final Connection connection;

    Tx(Database db, Connection connection) {
        this.db = db;
        this.connection = connection;
    }

    /** The store's at-rest key, to seal and unseal columns inside the transaction. */
    AtRestKey keys() {
        return db.keys();
    }

    /** Work with the connection; may throw {@link SQLException}. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** {@link SqlWork} without a result. */
    @FunctionalInterface
    interface SqlRun {
        void run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} with the connection.
     *
     * @throws dev.cipherline.sdk.ChatException STORE_FAILURE on an SQL failure (which rolls the
     *     transaction back)
     * @throws IllegalStateException if the handle is used outside its call
     */
    <T> T sql(SqlWork<T> work) {
        db.checkHeld();
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw Database.failure(e);
        }
    }

    /** {@link #sql} for work without a result. */
    void run(SqlRun work) {
        sql(
                c -> {
                    work.run(c);
                    return null;
                });
    }
}
