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
     *
     * <p>The registration's signed device list (its signature verified by the caller) is checked by
     * {@link DeviceListRules} and stored with the device, both or neither; the future fails with
     * {@link DeviceListRefusedException} if it does not fit.
     */
    CompletableFuture<Void> register(Registration registration);

    /**
     * The account's stored signed device list, exactly as it was sent, or empty if the account has
     * none (it registered before device lists existed, or is unknown).
     */
    CompletableFuture<Optional<byte[]>> deviceList(String accountId);

    /** The identity key a device registered with, or empty if the device is not registered. */
    CompletableFuture<Optional<byte[]>> identityKey(DeviceAddress device);

    /**
     * Stores {@code list} (whose signature the caller verified) as the account's device list.
     *
     * <p>The future fails with {@link DeviceListRefusedException} unless the list is newer than the
     * stored one (or is the stored one) and names exactly the account's registered devices.
     */
    CompletableFuture<Void> putDeviceList(String accountId, SignedDeviceList list);

    /**
     * Removes a device as {@link AdminStore#revokeDevices} does, and stores {@code list} (whose
     * signature the caller verified; null for an account without one) as the account's device list,
     * both or neither. A device the relay already removed (an operator's revocation) but the stored
     * list still names only gets the new list.
     *
     * <p>The future fails with {@link DeviceListRefusedException} unless the list is newer than the
     * stored one (or is the stored one) and names exactly the account's other devices; a missing
     * list is refused once the account has one.
     *
     * @return whether the device was removed or its removal recorded in the list (false: the
     *     account has no such device, nothing changed)
     */
    CompletableFuture<Boolean> removeDevice(String accountId, int deviceId, SignedDeviceList list);

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
