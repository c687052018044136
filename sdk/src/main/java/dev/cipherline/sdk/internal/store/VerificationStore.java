package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.blob;
import static dev.cipherline.sdk.internal.store.Sql.execute;

import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * Peers' identity keys as this device learned them (from verified bundles and PreKey messages) and
 * which of them the user verified by comparing safety numbers.
 */
public final class VerificationStore {
    private final Database db;

    public VerificationStore(Database db) {
        this.db = db;
    }

    /** The identity key of {@code account} this device has a session with, if any. */
    public Optional<byte[]> peerIdentity(String account) {
        Objects.requireNonNull(account, "account");
        return Optional.ofNullable(
                db.sqlRead(
                        c ->
                                blob(
                                        c,
                                        "SELECT identity_key FROM peer_identities WHERE account_id"
                                                + " = ?",
                                        account)));
    }

    /** Whether the user verified {@code identityKey} as the key of {@code account}. */
    public boolean isVerified(String account, byte[] identityKey) {
        byte[] verified =
                db.sqlRead(
                        c ->
                                blob(
                                        c,
                                        "SELECT identity_key FROM verified_identities WHERE"
                                                + " account_id = ?",
                                        account));
        return verified != null && MessageDigest.isEqual(verified, identityKey);
    }

    /** Every identity key the user verified, by account ID. */
    public java.util.Map<String, byte[]> allVerified() {
        return db.sqlRead(
                c -> {
                    java.util.Map<String, byte[]> all = new java.util.TreeMap<>();
                    try (java.sql.PreparedStatement s =
                                    c.prepareStatement(
                                            "SELECT account_id, identity_key FROM"
                                                    + " verified_identities");
                            java.sql.ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            all.put(rs.getString(1), rs.getBytes(2));
                        }
                    }
                    return all;
                });
    }

    /** Records that the user verified {@code identityKey} as the key of {@code account}. */
    public void markVerified(String account, byte[] identityKey, long now) {
        db.sqlTransaction(
                c ->
                        execute(
                                c,
                                "INSERT INTO verified_identities (account_id, identity_key,"
                                        + " verified_at) VALUES (?, ?, ?) ON CONFLICT (account_id)"
                                        + " DO UPDATE SET identity_key = excluded.identity_key,"
                                        + " verified_at = excluded.verified_at",
                                account,
                                identityKey,
                                now));
    }
}
