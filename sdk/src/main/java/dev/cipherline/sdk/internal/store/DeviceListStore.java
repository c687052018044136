package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.blob;
import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The newest signed device list this device has seen of each account, its own included, pinned by
 * version: the SDK refuses a list older than the pinned one. Lists are kept as signed (they are
 * public: the relay hands them to anyone who asks for the account's keys).
 */
public final class DeviceListStore {
    private final Database db;

    public DeviceListStore(Database db) {
        this.db = db;
    }

    /** The pinned signed list of {@code account}, or null if none was seen. */
    public byte[] pinned(String account) {
        Objects.requireNonNull(account, "account");
        return db.sqlRead(
                c -> blob(c, "SELECT list FROM device_lists WHERE account_id = ?", account));
    }

    /**
     * Pins {@code list} (verified by the caller) as {@code account}'s at {@code version}, unless a
     * list of that version or newer is pinned already.
     *
     * @return whether it was pinned
     */
    public boolean pin(String account, long version, byte[] list) {
        return db.sqlTransaction(c -> pin(c, account, version, list));
    }

    /** {@link #pin(String, long, byte[])} in the caller's transaction. */
    public static boolean pin(Tx tx, String account, long version, byte[] list) {
        return tx.sql(c -> pin(c, account, version, list));
    }

    /** The highest list version messages of {@code account} announced, 0 if none. */
    public long announced(String account) {
        Long version =
                db.sqlRead(
                        c ->
                                number(
                                        c,
                                        "SELECT version FROM device_list_announced WHERE"
                                                + " account_id = ?",
                                        account));
        return version == null ? 0 : version;
    }

    /**
     * Records that a message of {@code account} announced list {@code version}, unless a higher one
     * was announced already (in the caller's transaction, if the thread is in one).
     */
    public void announce(String account, long version) {
        db.sqlTransaction(
                c ->
                        execute(
                                c,
                                "INSERT INTO device_list_announced (account_id, version) VALUES"
                                        + " (?, ?) ON CONFLICT (account_id) DO UPDATE SET version ="
                                        + " excluded.version WHERE excluded.version >"
                                        + " device_list_announced.version",
                                account,
                                version));
    }

    private static boolean pin(Connection c, String account, long version, byte[] list)
            throws SQLException {
        return execute(
                        c,
                        "INSERT INTO device_lists (account_id, version, list) VALUES (?, ?, ?)"
                                + " ON CONFLICT (account_id) DO UPDATE SET version ="
                                + " excluded.version, list = excluded.list WHERE excluded.version"
                                + " > device_lists.version",
                        account,
                        version,
                        list)
                > 0;
    }
}
