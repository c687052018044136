package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.relay.internal.store.DeviceAddress;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The writer's cache of registered devices per account, so that a send does not query the device
 * list of its recipients every time. Touched only on the writer thread. Registration forgets the
 * account it changes, and a rolled-back transaction forgets everything, so the cache never holds
 * what the database does not.
 */
final class DeviceDirectory {
    /** A registered device: its internal row ID and its registration ID. */
    record Device(long rowId, int registrationId) {}

    private final Map<String, Map<Integer, Device>> accounts;

    /** A directory remembering at most {@code capacity} accounts (least recently used go first). */
    DeviceDirectory(int capacity) {
        this.accounts =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Map<Integer, Device>> e) {
                        return size() > capacity;
                    }
                };
    }

    /** The account's devices by device ID; empty if none is registered. Do not modify it. */
    Map<Integer, Device> devicesOf(Statements db, String accountId) throws SQLException {
        Map<Integer, Device> devices = accounts.get(accountId);
        if (devices != null) {
            return devices;
        }
        PreparedStatement s =
                db.get("SELECT device, id, registration_id FROM devices WHERE account = ?");
        s.setString(1, accountId);
        devices = new HashMap<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                devices.put(rs.getInt(1), new Device(rs.getLong(2), rs.getInt(3)));
            }
        }
        accounts.put(accountId, devices);
        return devices;
    }

    /** The device's internal row ID, if registered. */
    OptionalLong rowId(Statements db, DeviceAddress device) throws SQLException {
        Device d = devicesOf(db, device.accountId()).get(device.deviceId());
        return d == null ? OptionalLong.empty() : OptionalLong.of(d.rowId());
    }

    /** Forgets an account whose devices changed. */
    void forget(String accountId) {
        accounts.remove(accountId);
    }

    /** Forgets every account. */
    void clear() {
        accounts.clear();
    }
}
