package dev.cipherline.sdk.internal.store;

import dev.cipherline.sdk.internal.Compat;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The single row describing this device. */
public final class IdentityStore {
    private final Database db;

    public IdentityStore(Database db) {
        this.db = db;
    }

    /** The stored identity, if the store was initialized. */
    public Optional<LocalIdentity> load() {
        return db.sqlRead(
                c -> {
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT account_id, device_id, registration_id,"
                                                    + " identity_key_pair, auth_private_key,"
                                                    + " relay_url, name, next_prekey_id,"
                                                    + " next_kyber_prekey_id FROM identity WHERE id"
                                                    + " = 1");
                            ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        return Optional.of(
                                new LocalIdentity(
                                        rs.getString(1),
                                        rs.getInt(2),
                                        rs.getInt(3),
                                        db.keys()
                                                .unseal(
                                                        SealedColumns.IDENTITY_KEY_PAIR,
                                                        SealedColumns.identityRow(),
                                                        rs.getBytes(4)),
                                        db.keys()
                                                .unseal(
                                                        SealedColumns.AUTH_PRIVATE_KEY,
                                                        SealedColumns.identityRow(),
                                                        rs.getBytes(5)),
                                        parseUrls(rs.getString(6)),
                                        rs.getString(7),
                                        rs.getInt(8),
                                        rs.getInt(9)));
                    }
                });
    }

    private static List<URI> parseUrls(String stored) {
        return Arrays.stream(stored.trim().split(" +")).map(URI::create).collect(Compat.toList());
    }

    /** Inserts the identity; fails if one exists. Call inside a transaction with the prekeys. */
    public static void insert(Tx tx, Database db, LocalIdentity id, long createdAt) {
        tx.run(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT INTO identity (id, account_id, device_id, registration_id,"
                                            + " identity_key_pair, auth_private_key, relay_url, name,"
                                            + " next_prekey_id, next_kyber_prekey_id, created_at)"
                                            + " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        ps.setString(1, id.accountId());
                        ps.setInt(2, id.deviceId());
                        ps.setInt(3, id.registrationId());
                        ps.setBytes(
                                4,
                                db.keys()
                                        .seal(
                                                SealedColumns.IDENTITY_KEY_PAIR,
                                                SealedColumns.identityRow(),
                                                id.identityKeyPair()));
                        ps.setBytes(
                                5,
                                db.keys()
                                        .seal(
                                                SealedColumns.AUTH_PRIVATE_KEY,
                                                SealedColumns.identityRow(),
                                                id.authPrivateKey()));
                        ps.setString(
                                6,
                                String.join(
                                        " ",
                                        id.relayUrls().stream()
                                                .map(URI::toString)
                                                .collect(Compat.toList())));
                        ps.setString(7, id.name());
                        ps.setInt(8, id.nextPreKeyId());
                        ps.setInt(9, id.nextKyberPreKeyId());
                        ps.setLong(10, createdAt);
                        ps.executeUpdate();
                    }
                });
    }

    /** Records the IDs the next generated prekeys start from. */
    public void updateNextPreKeyIds(Tx tx, int nextPreKeyId, int nextKyberPreKeyId) {
        tx.run(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "UPDATE identity SET next_prekey_id = ?, next_kyber_prekey_id = ?"
                                            + " WHERE id = 1")) {
                        ps.setInt(1, nextPreKeyId);
                        ps.setInt(2, nextKyberPreKeyId);
                        ps.executeUpdate();
                    }
                });
    }
}
