package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQL behind the admin command's device list and revoke; writes run on the writer. */
final class SqliteDeviceAdmin {
    private SqliteDeviceAdmin() {}

    static List<DeviceInfo> list(Statements db, String accountId) throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT d.device, d.registered_at, coalesce(s.at, 0),"
                                + " (SELECT count(*) FROM queue q WHERE q.device_id = d.id)"
                                + " FROM devices d LEFT JOIN device_seen s ON s.device_id = d.id"
                                + " WHERE d.account = ? ORDER BY d.device");
        s.setString(1, accountId);
        List<DeviceInfo> devices = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                devices.add(
                        new DeviceInfo(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return devices;
    }

    static void seen(Statements db, DeviceAddress device, long at) throws SQLException {
        PreparedStatement s =
                db.get(
                        "INSERT OR REPLACE INTO device_seen (device_id, at) SELECT id, ? FROM"
                                + " devices WHERE account = ? AND device = ?");
        s.setLong(1, at);
        s.setString(2, device.accountId());
        s.setInt(3, device.deviceId());
        s.executeUpdate();
    }

    /** The row IDs and device IDs of the devices to revoke. */
    static List<long[]> rows(Statements db, String accountId, Integer deviceId)
            throws SQLException {
        PreparedStatement s =
                db.get(
                        "SELECT id, device FROM devices WHERE account = ? AND (? IS NULL OR device"
                                + " = ?)");
        s.setString(1, accountId);
        if (deviceId == null) {
            s.setNull(2, java.sql.Types.INTEGER);
            s.setNull(3, java.sql.Types.INTEGER);
        } else {
            s.setInt(2, deviceId);
            s.setInt(3, deviceId);
        }
        List<long[]> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        return rows;
    }

    /** Deletes a device's row and everything keyed by it but its queue (the caller clears that). */
    static void delete(Statements db, long rowId) throws SQLException {
        for (String sql :
                List.of(
                        "DELETE FROM signed_prekeys WHERE device_id = ?",
                        "DELETE FROM kyber_prekeys WHERE device_id = ?",
                        "DELETE FROM ec_prekeys WHERE device_id = ?",
                        "DELETE FROM accepted_sends WHERE sender_id = ?",
                        "DELETE FROM device_seen WHERE device_id = ?",
                        "DELETE FROM devices WHERE id = ?")) {
            PreparedStatement s = db.get(sql);
            s.setLong(1, rowId);
            s.executeUpdate();
        }
    }
}
