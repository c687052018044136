package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.PreKeyCounts;
import dev.cipherline.relay.internal.store.UnknownDeviceException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The SQL for devices and prekeys. Methods that write run on the writer, inside its transaction.
 */
final class SqliteDevices {
    private SqliteDevices() {}

    /** The internal row ID of a device, if registered. */
    static OptionalLong rowId(Statements db, DeviceAddress device) throws SQLException {
        PreparedStatement s = db.get("SELECT id FROM devices WHERE account = ? AND device = ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
    }

    /**
     * Inserts or replaces a device with its keys; the caller empties the queue of a replaced one.
     *
     * @return the device's row ID, and whether it existed before
     */
    static Registered register(Statements db, Registration r, long now) throws SQLException {
        DeviceAddress address = new DeviceAddress(r.accountId(), r.deviceId());
        OptionalLong existing = rowId(db, address);
        long id;
        if (existing.isPresent()) {
            id = existing.getAsLong();
            PreparedStatement update =
                    db.get(
                            "UPDATE devices SET registration_id = ?, identity_key = ?,"
                                    + " auth_key = ?, registered_at = ? WHERE id = ?");
            update.setInt(1, r.registrationId());
            update.setBytes(2, r.identityKey());
            update.setBytes(3, r.authKey());
            update.setLong(4, now);
            update.setLong(5, id);
            update.executeUpdate();
            for (String table : List.of("signed_prekeys", "kyber_prekeys", "ec_prekeys")) {
                PreparedStatement delete = db.get("DELETE FROM " + table + " WHERE device_id = ?");
                delete.setLong(1, id);
                delete.executeUpdate();
            }
        } else {
            PreparedStatement insert =
                    db.get(
                            "INSERT INTO devices (account, device, registration_id, identity_key,"
                                    + " auth_key, registered_at) VALUES (?, ?, ?, ?, ?, ?)"
                                    + " RETURNING id");
            insert.setString(1, r.accountId());
            insert.setInt(2, r.deviceId());
            insert.setInt(3, r.registrationId());
            insert.setBytes(4, r.identityKey());
            insert.setBytes(5, r.authKey());
            insert.setLong(6, now);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
        }
        putSignedPreKey(db, id, r.signedPreKey());
        putKyber(db, id, true, r.lastResortKyberPreKey());
        addOneTimeKeys(db, id, r.ecPreKeys(), r.kyberPreKeys());
        return new Registered(id, existing.isPresent());
    }

    record Registered(long rowId, boolean replaced) {}

    static Optional<byte[]> authKey(Statements db, DeviceAddress device) throws SQLException {
        PreparedStatement s =
                db.get("SELECT auth_key FROM devices WHERE account = ? AND device = ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    static Optional<byte[]> identityKey(Statements db, DeviceAddress device) throws SQLException {
        PreparedStatement s =
                db.get("SELECT identity_key FROM devices WHERE account = ? AND device = ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    static List<Frame.PreKeyBundle> takeBundles(Statements db, String accountId)
            throws SQLException {
        record Row(long id, int device, int registrationId, byte[] identityKey) {}
        List<Row> rows = new ArrayList<>();
        PreparedStatement s =
                db.get(
                        "SELECT id, device, registration_id, identity_key FROM devices"
                                + " WHERE account = ? ORDER BY device");
        s.setString(1, accountId);
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4)));
            }
        }
        List<Frame.PreKeyBundle> bundles = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Frame.SignedPreKey signed = signedPreKey(db, row.id());
            Frame.SignedPreKey kyber = takeKyber(db, row.id());
            if (signed == null || kyber == null) {
                continue; // registration always stores both; a device without them is unusable
            }
            bundles.add(
                    new Frame.PreKeyBundle(
                            row.device(),
                            row.registrationId(),
                            row.identityKey(),
                            signed,
                            kyber,
                            takeEcPreKey(db, row.id())));
        }
        return bundles;
    }

    static void upload(Statements db, DeviceAddress device, Frame.UploadPreKeys upload)
            throws SQLException {
        long id = rowId(db, device).orElseThrow(() -> new UnknownDeviceException(device));
        if (upload.signedPreKey() != null) {
            putSignedPreKey(db, id, upload.signedPreKey());
        }
        if (upload.lastResortKyberPreKey() != null) {
            PreparedStatement delete =
                    db.get("DELETE FROM kyber_prekeys WHERE device_id = ? AND last_resort = 1");
            delete.setLong(1, id);
            delete.executeUpdate();
            putKyber(db, id, true, upload.lastResortKyberPreKey());
        }
        addOneTimeKeys(db, id, upload.ecPreKeys(), upload.kyberPreKeys());
    }

    static PreKeyCounts counts(Statements db, DeviceAddress device) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT (SELECT count(*) FROM ec_prekeys WHERE device_id = d.id),"
                                + " (SELECT count(*) FROM kyber_prekeys"
                                + " WHERE device_id = d.id AND last_resort = 0)"
                                + " FROM devices d WHERE d.account = ? AND d.device = ?");
        s.setString(1, device.accountId());
        s.setInt(2, device.deviceId());
        try (ResultSet rs = s.executeQuery()) {
            return rs.next()
                    ? new PreKeyCounts(rs.getInt(1), rs.getInt(2))
                    : new PreKeyCounts(0, 0);
        }
    }

    private static void addOneTimeKeys(
            Statements db, long id, List<Frame.PreKey> ec, List<Frame.SignedPreKey> kyber)
            throws SQLException {
        PreparedStatement insert =
                db.get(
                        "INSERT OR REPLACE INTO ec_prekeys (device_id, key_id, public_key)"
                                + " VALUES (?, ?, ?)");
        for (Frame.PreKey key : ec) {
            insert.setLong(1, id);
            insert.setInt(2, key.id());
            insert.setBytes(3, key.publicKey());
            insert.executeUpdate();
        }
        for (Frame.SignedPreKey key : kyber) {
            putKyber(db, id, false, key);
        }
    }

    private static void putSignedPreKey(Statements db, long id, Frame.SignedPreKey key)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT OR REPLACE INTO signed_prekeys (device_id, key_id, public_key,"
                                + " signature) VALUES (?, ?, ?, ?)");
        s.setLong(1, id);
        s.setInt(2, key.id());
        s.setBytes(3, key.publicKey());
        s.setBytes(4, key.signature());
        s.executeUpdate();
    }

    private static void putKyber(Statements db, long id, boolean lastResort, Frame.SignedPreKey key)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT OR REPLACE INTO kyber_prekeys (device_id, last_resort, key_id,"
                                + " public_key, signature) VALUES (?, ?, ?, ?, ?)");
        s.setLong(1, id);
        s.setInt(2, lastResort ? 1 : 0);
        s.setInt(3, key.id());
        s.setBytes(4, key.publicKey());
        s.setBytes(5, key.signature());
        s.executeUpdate();
    }

    private static Frame.SignedPreKey signedPreKey(Statements db, long id) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT key_id, public_key, signature FROM signed_prekeys"
                                + " WHERE device_id = ?");
        s.setLong(1, id);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next()
                    ? new Frame.SignedPreKey(rs.getInt(1), rs.getBytes(2), rs.getBytes(3))
                    : null;
        }
    }

    /** Pops the oldest one-time Kyber prekey, else returns the last-resort one (kept). */
    private static Frame.SignedPreKey takeKyber(Statements db, long id) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT rowid, key_id, public_key, signature, last_resort"
                                + " FROM kyber_prekeys WHERE device_id = ?"
                                + " ORDER BY last_resort, rowid LIMIT 1");
        s.setLong(1, id);
        long rowid;
        Frame.SignedPreKey key;
        boolean lastResort;
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            rowid = rs.getLong(1);
            key = new Frame.SignedPreKey(rs.getInt(2), rs.getBytes(3), rs.getBytes(4));
            lastResort = rs.getInt(5) == 1;
        }
        if (!lastResort) {
            PreparedStatement delete = db.get("DELETE FROM kyber_prekeys WHERE rowid = ?");
            delete.setLong(1, rowid);
            delete.executeUpdate();
        }
        return key;
    }

    private static Frame.PreKey takeEcPreKey(Statements db, long id) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT rowid, key_id, public_key FROM ec_prekeys WHERE device_id = ?"
                                + " ORDER BY rowid LIMIT 1");
        s.setLong(1, id);
        long rowid;
        Frame.PreKey key;
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            rowid = rs.getLong(1);
            key = new Frame.PreKey(rs.getInt(2), rs.getBytes(3));
        }
        PreparedStatement delete = db.get("DELETE FROM ec_prekeys WHERE rowid = ?");
        delete.setLong(1, rowid);
        delete.executeUpdate();
        return key;
    }
}
