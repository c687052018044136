package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.AccountIds;

/** One device of one account: the unit that owns a queue and a set of prekeys. */
public record DeviceAddress(String accountId, int deviceId) {
    /** Checks the account ID form and the device ID range. */
    public DeviceAddress {
        if (!AccountIds.isValid(accountId)) {
            throw new IllegalArgumentException("not an account ID");
        }
        if (deviceId < 1 || deviceId > 0xffff) {
            throw new IllegalArgumentException("device ID must be 1..65535");
        }
    }

    @Override
    public String toString() {
        return accountId + "." + deviceId;
    }
}
