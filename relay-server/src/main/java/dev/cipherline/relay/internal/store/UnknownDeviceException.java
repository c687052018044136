package dev.cipherline.relay.internal.store;

/** A store operation named a device that is not registered. */
public final class UnknownDeviceException extends RuntimeException {
    /** Names the device. */
    public UnknownDeviceException(DeviceAddress device) {
        super("device " + device + " is not registered");
    }
}
