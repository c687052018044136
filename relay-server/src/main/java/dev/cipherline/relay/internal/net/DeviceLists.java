package dev.cipherline.relay.internal.net;

import dev.cipherline.relay.internal.keys.XEdDsaVerifier;
import dev.cipherline.relay.internal.store.DeviceListRefusedException;
import dev.cipherline.relay.internal.store.SignedDeviceList;

/**
 * Checks that a signed device list a client sent is its account's and carries the identity key's
 * signature; the store checks the rest (version, devices) in the write that changes the devices.
 */
final class DeviceLists {
    private DeviceLists() {}

    /**
     * Why the signed list {@code bytes} is refused for {@code accountId} with {@code identityKey},
     * or null if its structure, account and signature are right.
     */
    static String refusal(byte[] bytes, String accountId, byte[] identityKey) {
        try {
            verified(bytes, accountId, identityKey);
            return null;
        } catch (DeviceListRefusedException e) {
            return e.getMessage();
        }
    }

    /**
     * The signed list {@code bytes} of {@code accountId}, signed by {@code identityKey}.
     *
     * @throws DeviceListRefusedException if it is not a device list of that account with a valid
     *     signature
     */
    static SignedDeviceList verified(byte[] bytes, String accountId, byte[] identityKey) {
        SignedDeviceList list;
        try {
            list = SignedDeviceList.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new DeviceListRefusedException(e.getMessage());
        }
        if (!list.accountId().equals(accountId)) {
            throw new DeviceListRefusedException("the device list is of another account");
        }
        if (!XEdDsaVerifier.verify(identityKey, list.body(), list.signature())) {
            throw new DeviceListRefusedException(
                    "the device list's signature does not verify with the account's identity key");
        }
        return list;
    }
}
