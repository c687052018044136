package dev.cipherline.relay.internal.store;

/**
 * A registration, removal or device list upload was refused because its signed device list does not
 * fit what the store holds: not newer than the stored list, or not naming exactly the account's
 * devices after the change. The message is one sentence for the client ({@code invalid-request}).
 */
public final class DeviceListRefusedException extends RuntimeException {
    public DeviceListRefusedException(String message) {
        super(message, null, false, false);
    }
}
