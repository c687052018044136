package dev.cipherline.sdk;

import java.util.Objects;

/**
 * One device of an account.
 *
 * @param deviceId 1..65535; the first device of an account is 1
 */
public record DeviceAddress(AccountId account, int deviceId) {
    /** Checks both values. */
    public DeviceAddress {
        Objects.requireNonNull(account, "account");
        if (deviceId < 1 || deviceId > 0xffff) {
            throw new IllegalArgumentException("device ID must be 1..65535");
        }
    }
}
