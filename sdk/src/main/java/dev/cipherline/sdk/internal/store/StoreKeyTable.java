package dev.cipherline.sdk.internal.store;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.StoreKeys;
import dev.cipherline.sdk.ChatException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The {@code store_key} row: the store's data key, wrapped under a key from the user's passphrase
 * (Argon2id, salt and cost stored beside it), under an app-supplied key, or not at all ({@code
 * none}: throwaway identities). The data key itself never touches the disk in clear unless the
 * scheme is {@code none}.
 */
public final class StoreKeyTable {
    /** How the data key is protected; stored by name. */
    public enum Scheme {
        PASSPHRASE,
        APP_KEY,
        NONE
    }

    /** What the app gave to open the store: a passphrase, a 32-byte key, or nothing. */
    public record Unlock(Scheme scheme, char[] passphrase, byte[] appKey) {
        /** An unprotected store (the data key is stored in clear). */
        public static final Unlock NONE = new Unlock(Scheme.NONE, null, null);

        /** Checks that the scheme's secret is there. */
        public Unlock {
            java.util.Objects.requireNonNull(scheme, "scheme");
            if (scheme == Scheme.PASSPHRASE && (passphrase == null || passphrase.length == 0)) {
                throw new IllegalArgumentException("a passphrase must not be empty");
            }
            if (scheme == Scheme.APP_KEY
                    && (appKey == null || appKey.length != StoreKeys.KEY_LENGTH)) {
                throw new IllegalArgumentException(
                        "an app key must be " + StoreKeys.KEY_LENGTH + " bytes");
            }
        }
    }

    private StoreKeyTable() {}

    /** Whether the store has a key row (false for a new store and for one from before keys). */
    static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM store_key WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** Creates the key row for a new data key protected by {@code unlock}; returns the data key. */
    static byte[] create(Connection c, Unlock unlock, StoreKeys.Argon2Cost cost)
            throws SQLException {
        byte[] dataKey = StoreKeys.random(StoreKeys.KEY_LENGTH);
        write(c, dataKey, unlock, cost, "INSERT INTO store_key");
        return dataKey;
    }

    /** Replaces the wrapping of {@code dataKey} with {@code unlock}'s. */
    static void rewrap(Connection c, byte[] dataKey, Unlock unlock, StoreKeys.Argon2Cost cost)
            throws SQLException {
        write(c, dataKey, unlock, cost, "INSERT OR REPLACE INTO store_key");
    }

    private static void write(
            Connection c, byte[] dataKey, Unlock unlock, StoreKeys.Argon2Cost cost, String insert)
            throws SQLException {
        byte[] salt = null;
        byte[] wrapped;
        switch (unlock.scheme()) {
            case PASSPHRASE -> {
                salt = StoreKeys.random(StoreKeys.SALT_LENGTH);
                byte[] kek = StoreKeys.deriveFromPassphrase(unlock.passphrase(), salt, cost);
                wrapped = StoreKeys.wrap(dataKey, kek);
                Arrays.fill(kek, (byte) 0);
            }
            case APP_KEY -> wrapped = StoreKeys.wrap(dataKey, unlock.appKey());
            default -> wrapped = dataKey.clone();
        }
        try (PreparedStatement ps =
                c.prepareStatement(
                        insert
                                + " (id, scheme, salt, memory_kib, iterations, parallelism,"
                                + " wrapped_key) VALUES (1, ?, ?, ?, ?, ?, ?)")) {
            boolean argon = unlock.scheme() == Scheme.PASSPHRASE;
            Sql.bind(
                    ps,
                    unlock.scheme().name(),
                    salt,
                    argon ? cost.memoryKiB() : null,
                    argon ? cost.iterations() : null,
                    argon ? cost.parallelism() : null,
                    wrapped);
            ps.executeUpdate();
        }
    }

    /**
     * Unwraps the data key with {@code unlock}.
     *
     * @throws ChatException LOCKED if the scheme differs from the store's or the passphrase or key
     *     is wrong; STORE_FAILURE if the key row is damaged
     */
    static byte[] open(Connection c, Unlock unlock) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT scheme, salt, memory_kib, iterations, parallelism,"
                                        + " wrapped_key FROM store_key WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the store has no key");
            }
            Scheme stored;
            try {
                stored = Scheme.valueOf(rs.getString(1));
            } catch (IllegalArgumentException e) {
                throw damaged("an unknown key scheme", e);
            }
            if (stored != unlock.scheme()) {
                throw new ChatException(ChatException.Reason.LOCKED, mismatch(stored));
            }
            byte[] wrapped = rs.getBytes(6);
            try {
                return switch (stored) {
                    case PASSPHRASE -> {
                        StoreKeys.Argon2Cost cost =
                                new StoreKeys.Argon2Cost(rs.getInt(3), rs.getInt(4), rs.getInt(5));
                        byte[] kek =
                                StoreKeys.deriveFromPassphrase(
                                        unlock.passphrase(), rs.getBytes(2), cost);
                        try {
                            yield StoreKeys.unwrap(wrapped, kek);
                        } finally {
                            Arrays.fill(kek, (byte) 0);
                        }
                    }
                    case APP_KEY -> StoreKeys.unwrap(wrapped, unlock.appKey());
                    case NONE -> {
                        if (wrapped == null || wrapped.length != StoreKeys.KEY_LENGTH) {
                            throw damaged("a data key of the wrong length", null);
                        }
                        yield wrapped;
                    }
                };
            } catch (CryptoException e) {
                if (e.reason() == CryptoException.Reason.INVALID_MESSAGE) {
                    throw new ChatException(
                            ChatException.Reason.LOCKED,
                            stored == Scheme.PASSPHRASE
                                    ? "wrong passphrase for the local store"
                                    : "the app key does not open the local store");
                }
                throw damaged("a damaged wrapped key", e);
            } catch (IllegalArgumentException e) {
                throw damaged("damaged key parameters", e);
            }
        }
    }

    private static String mismatch(Scheme stored) {
        return switch (stored) {
            case PASSPHRASE ->
                    "the local store is protected by a passphrase; give it to open the" + " store";
            case APP_KEY -> "the local store is protected by an app-supplied key";
            case NONE -> "the local store has no passphrase (it was created without one)";
        };
    }

    private static ChatException damaged(String what, Exception cause) {
        return new ChatException(
                ChatException.Reason.STORE_FAILURE,
                "the local store's key row holds " + what,
                cause);
    }
}
