package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * The names of this account's devices, this one's included, in the {@code device_names} table: set
 * here for this device (at init or link), and for the others from their device hellos and the
 * linking device's provisioning payload. The relay keeps no names.
 */
public final class DeviceNameStore {
    private final Database db;

    public DeviceNameStore(Database db) {
        this.db = db;
    }

    /** Sets the name of {@code deviceId}, joining the caller's transaction if there is one. */
    public void put(int deviceId, String name, long now) {
        db.transaction(
                tx -> {
                    put(tx, deviceId, name, now);
                    return null;
                });
    }

    /** Sets the name of {@code deviceId} in {@code tx}'s transaction. */
    public void put(Tx tx, int deviceId, String name, long now) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT INTO device_names (device_id, name, updated_at) VALUES (?,"
                                        + " ?, ?) ON CONFLICT (device_id) DO UPDATE SET name ="
                                        + " excluded.name, updated_at = excluded.updated_at",
                                deviceId,
                                name,
                                now));
    }

    /** Forgets the name of {@code deviceId} (removed, or its ID given to a new device). */
    public void forget(int deviceId) {
        db.sqlTransaction(
                c -> {
                    execute(c, "DELETE FROM device_names WHERE device_id = ?", deviceId);
                    return null;
                });
    }

    /** The name of {@code deviceId}, or null if this device knows none. */
    public String find(int deviceId) {
        return all().get(deviceId);
    }

    /** Every known name, by device ID. */
    public Map<Integer, String> all() {
        return db.sqlRead(
                c -> {
                    Map<Integer, String> out = new TreeMap<>();
                    try (PreparedStatement ps =
                                    c.prepareStatement("SELECT device_id, name FROM device_names");
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getInt(1), rs.getString(2));
                        }
                    }
                    return out;
                });
    }
}
