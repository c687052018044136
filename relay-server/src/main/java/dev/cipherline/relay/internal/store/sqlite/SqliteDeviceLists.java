package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.DeviceListRules;
import dev.cipherline.relay.internal.store.SignedDeviceList;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SQL of the accounts' signed device lists. Checks and writes run on the writer, in the
 * transaction of the device change they come with.
 */
final class SqliteDeviceLists {
    private SqliteDeviceLists() {}

    /** The stored list's version and bytes. */
    record Stored(long version, byte[] bytes) {}

    static Optional<Stored> stored(Statements db, String accountId) throws SQLException {
        PreparedStatement s = db.get("SELECT version, list FROM device_lists WHERE account = ?");
        s.setString(1, accountId);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next()
                    ? Optional.of(new Stored(rs.getLong(1), rs.getBytes(2)))
                    : Optional.empty();
        }
    }

    /** The account's registered devices by device ID. */
    static Map<Integer, DeviceListRules.Registered> registered(Statements db, String accountId)
            throws SQLException {
        PreparedStatement s =
                db.get("SELECT device, registration_id, auth_key FROM devices WHERE account = ?");
        s.setString(1, accountId);
        Map<Integer, DeviceListRules.Registered> devices = new TreeMap<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                devices.put(
                        rs.getInt(1), new DeviceListRules.Registered(rs.getInt(2), rs.getBytes(3)));
            }
        }
        return devices;
    }

    /**
     * Checks {@code next} against the stored list and the devices {@code after} the change, and
     * stores it if it is new.
     */
    static void apply(
            Statements db,
            String accountId,
            SignedDeviceList next,
            Map<Integer, DeviceListRules.Registered> after)
            throws SQLException {
        Optional<Stored> stored = stored(db, accountId);
        boolean store =
                DeviceListRules.check(
                        accountId,
                        next,
                        stored.map(Stored::version).orElse(0L),
                        stored.map(Stored::bytes).orElse(null),
                        after);
        if (store) {
            PreparedStatement s =
                    db.get(
                            "INSERT OR REPLACE INTO device_lists (account, version, list)"
                                    + " VALUES (?, ?, ?)");
            s.setString(1, accountId);
            s.setLong(2, next.version());
            s.setBytes(3, next.bytes());
            s.executeUpdate();
        }
    }

    static void delete(Statements db, String accountId) throws SQLException {
        PreparedStatement s = db.get("DELETE FROM device_lists WHERE account = ?");
        s.setString(1, accountId);
        s.executeUpdate();
    }
}
