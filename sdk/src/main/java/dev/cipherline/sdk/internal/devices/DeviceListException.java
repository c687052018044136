package dev.cipherline.sdk.internal.devices;

/**
 * A signed device list a relay served was refused, or the devices a relay reports contradict the
 * account's signed list. The message is one sentence naming the account (and the device, when one
 * is hidden or made up); it holds no key.
 */
public final class DeviceListException extends RuntimeException {
    public DeviceListException(String message) {
        super(message, null, false, false);
    }
}
