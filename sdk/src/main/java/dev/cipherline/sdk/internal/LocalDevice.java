package dev.cipherline.sdk.internal;

import dev.cipherline.protocol.AccountIds;

/**
 * This device: its account's ID and its own device ID within the account. The pieces that seal,
 * open and address messages take it whole instead of an account/device pair of arguments.
 *
 * @param account the account ID, normalized
 * @param device the device ID (1 is the account's first device)
 */
public record LocalDevice(String account, int device) {
    /**
     * @throws IllegalArgumentException if {@code account} is not a normalized account ID or {@code
     *     device} is not positive
     */
    public LocalDevice {
        if (!AccountIds.isValid(account)) {
            throw new IllegalArgumentException("not an account ID");
        }
        if (device < 1) {
            throw new IllegalArgumentException("a device ID is at least 1");
        }
    }
}
