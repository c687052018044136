package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.blob;
import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.KyberPreKeyStore;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyStore;

/**
 * This device's own prekeys in SQLite: one-time EC prekeys (deleted when used), signed prekeys, and
 * Kyber prekeys, which are one-time (deleted when used) or last-resort (kept, with the base keys
 * they were used with remembered so a replayed PreKey message is refused).
 */
abstract class PreKeyTables implements PreKeyStore, SignedPreKeyStore, KyberPreKeyStore {
    final Database db;

    PreKeyTables(Database db) {
        this.db = db;
    }

    // ---- one-time EC prekeys ----

    @Override
    public PreKeyRecord loadPreKey(int preKeyId) throws InvalidKeyIdException {
        byte[] record =
                load(SealedColumns.PREKEY, "SELECT record FROM prekeys WHERE id = ?", preKeyId);
        if (record == null) {
            throw new InvalidKeyIdException("no prekey " + preKeyId);
        }
        try {
            return new PreKeyRecord(record);
        } catch (InvalidMessageException e) {
            throw new InvalidKeyIdException(e);
        }
    }

    @Override
    public void storePreKey(int preKeyId, PreKeyRecord record) {
        update(
                "INSERT OR REPLACE INTO prekeys (id, record) VALUES (?, ?)",
                preKeyId,
                seal(SealedColumns.PREKEY, preKeyId, record.serialize()));
    }

    @Override
    public boolean containsPreKey(int preKeyId) {
        return exists("SELECT 1 FROM prekeys WHERE id = ?", preKeyId);
    }

    @Override
    public void removePreKey(int preKeyId) {
        update("DELETE FROM prekeys WHERE id = ?", preKeyId);
    }

    // ---- signed prekeys ----

    @Override
    public SignedPreKeyRecord loadSignedPreKey(int signedPreKeyId) throws InvalidKeyIdException {
        byte[] record =
                load(
                        SealedColumns.SIGNED_PREKEY,
                        "SELECT record FROM signed_prekeys WHERE id = ?",
                        signedPreKeyId);
        if (record == null) {
            throw new InvalidKeyIdException("no signed prekey " + signedPreKeyId);
        }
        try {
            return new SignedPreKeyRecord(record);
        } catch (InvalidMessageException e) {
            throw new InvalidKeyIdException(e);
        }
    }

    @Override
    public List<SignedPreKeyRecord> loadSignedPreKeys() {
        List<SignedPreKeyRecord> out = new ArrayList<>();
        for (byte[] record :
                records(
                        SealedColumns.SIGNED_PREKEY,
                        "SELECT id, record FROM signed_prekeys ORDER BY id")) {
            try {
                out.add(new SignedPreKeyRecord(record));
            } catch (InvalidMessageException e) {
                throw new IllegalStateException("a stored signed prekey is damaged", e);
            }
        }
        return out;
    }

    @Override
    public void storeSignedPreKey(int signedPreKeyId, SignedPreKeyRecord record) {
        update(
                "INSERT OR REPLACE INTO signed_prekeys (id, record) VALUES (?, ?)",
                signedPreKeyId,
                seal(SealedColumns.SIGNED_PREKEY, signedPreKeyId, record.serialize()));
    }

    @Override
    public boolean containsSignedPreKey(int signedPreKeyId) {
        return exists("SELECT 1 FROM signed_prekeys WHERE id = ?", signedPreKeyId);
    }

    @Override
    public void removeSignedPreKey(int signedPreKeyId) {
        update("DELETE FROM signed_prekeys WHERE id = ?", signedPreKeyId);
    }

    // ---- Kyber prekeys ----

    @Override
    public KyberPreKeyRecord loadKyberPreKey(int kyberPreKeyId) throws InvalidKeyIdException {
        byte[] record =
                load(
                        SealedColumns.KYBER_PREKEY,
                        "SELECT record FROM kyber_prekeys WHERE id = ?",
                        kyberPreKeyId);
        if (record == null) {
            throw new InvalidKeyIdException("no Kyber prekey " + kyberPreKeyId);
        }
        try {
            return new KyberPreKeyRecord(record);
        } catch (InvalidMessageException e) {
            throw new InvalidKeyIdException(e);
        }
    }

    @Override
    public List<KyberPreKeyRecord> loadKyberPreKeys() {
        List<KyberPreKeyRecord> out = new ArrayList<>();
        for (byte[] record :
                records(
                        SealedColumns.KYBER_PREKEY,
                        "SELECT id, record FROM kyber_prekeys ORDER BY id")) {
            try {
                out.add(new KyberPreKeyRecord(record));
            } catch (InvalidMessageException e) {
                throw new IllegalStateException("a stored Kyber prekey is damaged", e);
            }
        }
        return out;
    }

    /** Stores a one-time Kyber prekey (keeps the last-resort mark of an existing ID). */
    @Override
    public void storeKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
        update(
                "INSERT INTO kyber_prekeys (id, record, last_resort) VALUES (?, ?, 0)"
                        + " ON CONFLICT (id) DO UPDATE SET record = excluded.record",
                kyberPreKeyId,
                seal(SealedColumns.KYBER_PREKEY, kyberPreKeyId, record.serialize()));
    }

    /** Stores a last-resort Kyber prekey: kept after use, unlike one-time ones. */
    public void storeLastResortKyberPreKey(int kyberPreKeyId, KyberPreKeyRecord record) {
        update(
                "INSERT OR REPLACE INTO kyber_prekeys (id, record, last_resort) VALUES (?, ?, 1)",
                kyberPreKeyId,
                seal(SealedColumns.KYBER_PREKEY, kyberPreKeyId, record.serialize()));
    }

    @Override
    public boolean containsKyberPreKey(int kyberPreKeyId) {
        return exists("SELECT 1 FROM kyber_prekeys WHERE id = ?", kyberPreKeyId);
    }

    /**
     * Deletes a used one-time Kyber prekey; keeps a last-resort one but remembers the base key it
     * was used with, refusing the same combination again (a replayed PreKey message).
     */
    @Override
    public void markKyberPreKeyUsed(int kyberPreKeyId, int signedPreKeyId, ECPublicKey baseKey)
            throws ReusedBaseKeyException {
        boolean reused =
                db.sqlTransaction(
                        c -> {
                            Long lastResort =
                                    number(
                                            c,
                                            "SELECT last_resort FROM kyber_prekeys WHERE id = ?",
                                            kyberPreKeyId);
                            if (lastResort == null) {
                                return false;
                            }
                            if (lastResort == 0) {
                                execute(c, "DELETE FROM kyber_prekeys WHERE id = ?", kyberPreKeyId);
                                return false;
                            }
                            return execute(
                                            c,
                                            "INSERT OR IGNORE INTO kyber_base_keys"
                                                    + " (kyber_prekey_id, signed_prekey_id, base_key)"
                                                    + " VALUES (?, ?, ?)",
                                            kyberPreKeyId,
                                            signedPreKeyId,
                                            baseKey.serialize())
                                    == 0;
                        });
        if (reused) {
            throw new ReusedBaseKeyException("a PreKey message reused a base key");
        }
    }

    final void update(String sql, Object... args) {
        db.sqlTransaction(c -> execute(c, sql, args));
    }

    final boolean exists(String sql, Object... args) {
        return db.sqlRead(c -> number(c, sql, args) != null);
    }

    private byte[] seal(String field, int id, byte[] record) {
        return db.keys().seal(field, SealedColumns.preKeyRow(id), record);
    }

    /** The decrypted record of prekey {@code id}, or null. */
    private byte[] load(String field, String sql, int id) {
        byte[] sealed = db.sqlRead(c -> blob(c, sql, id));
        return sealed == null ? null : db.keys().unseal(field, SealedColumns.preKeyRow(id), sealed);
    }

    /** The decrypted records selected as {@code id, record}. */
    private List<byte[]> records(String field, String sql) {
        return db.sqlRead(
                c -> {
                    List<byte[]> out = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement(sql);
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(
                                    db.keys()
                                            .unseal(
                                                    field,
                                                    SealedColumns.preKeyRow(rs.getInt(1)),
                                                    rs.getBytes(2)));
                        }
                    }
                    return out;
                });
    }
}
