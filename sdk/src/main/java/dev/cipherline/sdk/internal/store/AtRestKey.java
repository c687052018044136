package dev.cipherline.sdk.internal.store;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.StoreKeys;
import dev.cipherline.sdk.ChatException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Optional;

/**
 * The at-rest key of a client store and the column cipher it opens: a random data key, kept in the
 * {@code store_key} row wrapped by the user's passphrase (Argon2id) or stored as it is for an
 * unprotected store ({@link StoreKeyTable}); once unlocked, it seals and opens the sensitive
 * columns, each value bound to its field and row ({@link SealedColumns}). Until {@link #unlock} is
 * called, reading or writing a sensitive column fails with LOCKED.
 */
public final class AtRestKey {
    private final Database db;
    private volatile StoreKeys.RowCipher cipher;

    AtRestKey(Database db) {
        this.db = db;
    }

    /** How the store's key is protected, or empty if it has none yet. Needs no unlocking. */
    public Optional<StoreKeyTable.Scheme> scheme() {
        return db.sqlRead(
                c -> {
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT scheme FROM store_key WHERE id = 1");
                            ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<StoreKeyTable.Scheme>empty();
                        }
                        try {
                            return Optional.of(StoreKeyTable.Scheme.valueOf(rs.getString(1)));
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
        db.sqlTransaction(
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
                db.sqlTransaction(
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
        db.checkpoint();
    }

    /**
     * Re-wraps the data key under {@code next} after unwrapping it with {@code current}; no row is
     * re-encrypted.
     *
     * @throws ChatException LOCKED if {@code current} does not open the store
     */
    public void rewrap(
            StoreKeyTable.Unlock current, StoreKeyTable.Unlock next, StoreKeys.Argon2Cost cost) {
        db.sqlTransaction(
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
        db.checkpoint();
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
}
