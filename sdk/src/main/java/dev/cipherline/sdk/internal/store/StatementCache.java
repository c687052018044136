package dev.cipherline.sdk.internal.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the store's prepared statements, so that SQLite parses each SQL text once per connection
 * instead of on every call (parsing was about a fifth of the SDK's CPU per message). {@link #wrap}
 * returns the connection with {@code prepareStatement(String)} answered from the cache; closing
 * such a statement closes its open result set and returns it to the cache. A statement still in use
 * (a caller holds it open, for instance while a nested call runs the same SQL) is not shared: the
 * nested call gets a fresh one that really closes. Everything else goes to the real connection.
 *
 * <p>Like the connection, not thread-safe: {@link Database} serializes every use under its lock.
 */
final class StatementCache implements InvocationHandler {
    private final Connection connection;
    private final Map<String, Cached> statements = new HashMap<>();

    private StatementCache(Connection connection) {
        this.connection = connection;
    }

    /** {@code connection} with a statement cache in front of it. */
    static Connection wrap(Connection connection) {
        return (Connection)
                Proxy.newProxyInstance(
                        StatementCache.class.getClassLoader(),
                        new Class<?>[] {Connection.class},
                        new StatementCache(connection));
    }

    /** How many statements are cached (tests). */
    static int size(Connection wrapped) {
        return ((StatementCache) Proxy.getInvocationHandler(wrapped)).statements.size();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("equals") && args != null && args.length == 1) {
            return proxy == args[0];
        }
        if (name.equals("hashCode") && args == null) {
            return System.identityHashCode(proxy);
        }
        if (name.equals("prepareStatement") && args != null && args.length == 1) {
            return prepare((String) args[0]);
        }
        if (name.equals("close") && (args == null || args.length == 0)) {
            closeAll();
        }
        return call(connection, method, args);
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        Cached cached = statements.get(sql);
        if (cached == null) {
            cached = new Cached(connection.prepareStatement(sql));
            statements.put(sql, cached);
        } else if (cached.inUse) {
            return connection.prepareStatement(sql);
        }
        cached.inUse = true;
        return cached.proxy;
    }

    private void closeAll() {
        for (Cached c : statements.values()) {
            try {
                c.statement.close();
            } catch (SQLException ignored) {
                // the connection closes next and finalizes whatever is left
            }
        }
        statements.clear();
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One cached statement, lent out as a proxy whose {@code close} gives it back. */
    private static final class Cached implements InvocationHandler {
        private final PreparedStatement statement;
        private final PreparedStatement proxy;
        private ResultSet open;
        private boolean inUse;

        Cached(PreparedStatement statement) {
            this.statement = statement;
            this.proxy =
                    (PreparedStatement)
                            Proxy.newProxyInstance(
                                    StatementCache.class.getClassLoader(),
                                    new Class<?>[] {PreparedStatement.class},
                                    this);
        }

        @Override
        public Object invoke(Object p, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return p == args[0];
                case "hashCode":
                    return System.identityHashCode(p);
                case "close":
                    giveBack();
                    return null;
                case "isClosed":
                    return !inUse;
                default:
                    Object result = call(statement, method, args);
                    if (result instanceof ResultSet rs) {
                        open = rs;
                    }
                    return result;
            }
        }

        private void giveBack() throws SQLException {
            if (!inUse) {
                return;
            }
            inUse = false;
            try {
                if (open != null && !open.isClosed()) {
                    open.close();
                }
            } finally {
                open = null;
                statement.clearParameters();
                statement.clearBatch();
            }
        }
    }
}
