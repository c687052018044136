package dev.cipherline.relay.internal.store;

import java.util.Arrays;
import java.util.Map;

/**
 * The rules every store applies, inside the write that changes an account's devices, to the signed
 * device list that comes with the change. The signature was checked before (the store does no
 * cryptography).
 */
public final class DeviceListRules {
    private DeviceListRules() {}

    /**
     * Reads a registration's or request's signed list (null stays null).
     *
     * @throws DeviceListRefusedException if it is not a device list
     */
    public static SignedDeviceList read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return SignedDeviceList.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new DeviceListRefusedException(e.getMessage());
        }
    }

    /** Whether the signed list {@code bytes} (null: none) names {@code deviceId}. */
    public static boolean names(byte[] bytes, int deviceId) {
        return bytes != null && read(bytes).entry(deviceId) != null;
    }

    /**
     * One device as registered at the relay.
     *
     * @param authKey its 32-byte Ed25519 auth key
     */
    public record Registered(int registrationId, byte[] authKey) {}

    /**
     * Checks {@code next} (of {@code accountId}; null if the change came without a list) against
     * the account's stored list ({@code storedVersion} and {@code storedBytes}, or null and 0 if
     * none) and the devices the account will have after the change.
     *
     * @return whether {@code next} must be stored (false: no list came, or it is the stored one,
     *     sent again by a retry)
     * @throws DeviceListRefusedException if the change must be refused
     */
    public static boolean check(
            String accountId,
            SignedDeviceList next,
            long storedVersion,
            byte[] storedBytes,
            Map<Integer, Registered> after) {
        if (next == null) {
            if (storedBytes != null) {
                throw new DeviceListRefusedException(
                        "the account has a signed device list, so this change must carry the"
                                + " next version of it (deviceList)");
            }
            return false;
        }
        if (!next.accountId().equals(accountId)) {
            throw new DeviceListRefusedException("the device list is of another account");
        }
        boolean retry = storedBytes != null && Arrays.equals(storedBytes, next.bytes());
        if (storedBytes != null && !retry && next.version() <= storedVersion) {
            throw new DeviceListRefusedException(
                    "the device list's version "
                            + next.version()
                            + " is not newer than the account's ("
                            + storedVersion
                            + "): another device changed the account's devices meanwhile; fetch"
                            + " the list and try again");
        }
        if (next.entries().size() != after.size()) {
            throw new DeviceListRefusedException(
                    "the device list names "
                            + next.entries().size()
                            + " devices but the account would have "
                            + after.size());
        }
        for (SignedDeviceList.Entry e : next.entries()) {
            Registered r = after.get(e.deviceId());
            if (r == null || !e.is(e.deviceId(), r.registrationId(), r.authKey())) {
                throw new DeviceListRefusedException(
                        "the device list's entry for device "
                                + e.deviceId()
                                + " does not match the account's registered devices");
            }
        }
        return !retry;
    }
}
