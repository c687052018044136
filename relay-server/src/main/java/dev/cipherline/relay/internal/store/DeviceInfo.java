package dev.cipherline.relay.internal.store;

/**
 * One registered device as the admin command lists it: no key, no content.
 *
 * @param deviceId the device ID
 * @param registeredAt when it registered (or last re-registered), in Unix milliseconds
 * @param lastSeen when it last authenticated, in Unix milliseconds, or 0 if never since this record
 *     was kept
 * @param queued how many entries wait in its queue
 */
public record DeviceInfo(int deviceId, long registeredAt, long lastSeen, long queued) {}
