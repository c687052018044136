package dev.cipherline.sdk.internal.store;

/** Raw SQL on a client store, for tests outside this package that must set up odd states. */
public final class StoreSql {
    private StoreSql() {}

    /** Runs one update statement in its own transaction; returns the rows it changed. */
    public static int execute(Database db, String sql, Object... args) {
        return db.sqlTransaction(c -> Sql.execute(c, sql, args));
    }
}
