package dev.cipherline.sdk;

import java.time.Instant;
import java.util.Objects;

/**
 * One device of the local account, as {@link Devices#list()} lists it. The relay keeps no device
 * names: a device's name is what it told this account's other devices (end-to-end encrypted), or
 * for this device what it was given at init or link.
 *
 * @param deviceId the device ID, 1..127
 * @param name the device's name (1..64 UTF-8 bytes), or null if this device knows none
 * @param linkedAt when the device registered (was linked, or initialized for device 1)
 * @param lastSeen when it last connected to the relay, or null if the relay does not know
 * @param thisDevice whether it is the device this client runs on
 */
public record DeviceInfo(
        int deviceId,
        @Nullable String name,
        Instant linkedAt,
        @Nullable Instant lastSeen,
        boolean thisDevice) {
    /** Checks the values. */
    public DeviceInfo {
        if (deviceId < 1 || deviceId > 127) {
            throw new IllegalArgumentException("a device ID is 1..127");
        }
        Objects.requireNonNull(linkedAt, "linkedAt");
    }
}
