package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Registration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Registered devices and their public prekeys. Every method is asynchronous; futures complete on a
 * store thread, so callers hop back to their own thread before touching their state. Writes are
 * durable when their future completes.
 *
 * <p>Atomicity: {@link #takeBundles} hands out each one-time prekey at most once, however many
 * callers (threads, or relay nodes sharing the store) ask at the same moment; a prekey is removed
 * as it is handed out. {@link #register} of a device that exists replaces it as a whole: once its
 * future completed, readers see only the new registration ID, identity, auth and prekeys, and an
 * empty queue. An engine without multi-document transactions may, while the registration runs, hand
 * out a bundle that mixes keys of the old and the new install (as stale as a bundle taken just
 * before the reinstall), but never a one-time prekey of the old install once the future completed.
 */
public interface DeviceStore {

    /**
     * Registers a device whose registration the caller has verified. An existing device is replaced
     * (a reinstall): its registration ID, identity key, auth key, signed prekey and last-resort
     * Kyber prekey are the new ones, its old one-time prekeys are deleted and replaced by the new
     * ones, and its queue is emptied. Its seqs keep growing from where they were.
     */
    CompletableFuture<Void> register(Registration registration);

    /** The Ed25519 auth public key of a device, or empty if the device is not registered. */
    CompletableFuture<Optional<byte[]>> authKey(DeviceAddress device);

    /**
     * A bundle for every device of an account, taking one one-time EC prekey and one one-time Kyber
     * prekey (else the last-resort one) from each, atomically: no one-time prekey is ever handed
     * out twice. An empty list means the account is unknown.
     */
    CompletableFuture<List<Frame.PreKeyBundle>> takeBundles(String accountId);

    /**
     * Adds one-time prekeys and replaces the signed and last-resort prekeys when given.
     *
     * <p>The future fails with {@link UnknownDeviceException} if the device is not registered.
     */
    CompletableFuture<Void> uploadPreKeys(DeviceAddress device, Frame.UploadPreKeys upload);

    /** How many one-time prekeys the device has left (zero for an unknown device). */
    CompletableFuture<PreKeyCounts> preKeyCounts(DeviceAddress device);
}
