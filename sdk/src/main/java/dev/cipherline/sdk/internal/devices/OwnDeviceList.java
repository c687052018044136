package dev.cipherline.sdk.internal.devices;

import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.Identity;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.outbound.Relay;
import java.util.List;
import java.util.function.Consumer;

/**
 * This account's own signed device list, kept by its devices: read from the relay ({@code
 * get-devices}) and checked like any account's, signed anew without a device that is removed, and
 * given to a relay that holds none (an account registered before device lists existed, or a relay
 * restored from an older backup).
 */
public final class OwnDeviceList {
    private static final Log LOG = Log.get(OwnDeviceList.class.getName());

    private final Relay relay;
    private final DeviceLists lists;
    private final Identity identity;
    private final LocalDevice self;
    private final DeviceList.Entry selfEntry;

    /**
     * @param selfEntry this device as the list names it (device ID, registration ID, auth key)
     */
    public OwnDeviceList(
            Relay relay,
            DeviceLists lists,
            Identity identity,
            LocalDevice self,
            DeviceList.Entry selfEntry) {
        this.relay = relay;
        this.lists = lists;
        this.identity = identity;
        this.self = self;
        this.selfEntry = selfEntry;
    }

    /**
     * The relay's answer to {@code get-devices} and the account's signed list in it, checked.
     *
     * @param list null if the account has no signed list (registered before lists existed)
     * @param signed the list's signed bytes, or null
     */
    public record Current(List<Frame.DeviceEntry> devices, DeviceList list, byte[] signed) {}

    /**
     * Asks the relay for the account's devices and its signed list. If the relay holds no list (an
     * account registered before lists existed, or a relay restored from an older backup), it gives
     * the relay one: the newest list this device has seen of its account, or, when this device is
     * the account's only one and none was seen, version 1 naming it. The relay stores it only if it
     * names exactly the account's devices.
     *
     * @throws ChatException REJECTED if the list does not verify or is older than one seen before,
     *     or if the relay holds none and refused the one this device gave it; RELAY_UNREACHABLE if
     *     the relay did not answer
     */
    public synchronized Current fetch() {
        Frame.Devices devices = devices();
        if (devices.deviceList() == null && repair(devices.devices())) {
            devices = devices();
        }
        try {
            DeviceList list =
                    lists.accept(self.account(), identity.publicKey(), devices.deviceList());
            return new Current(devices.devices(), list, list == null ? null : devices.deviceList());
        } catch (DeviceListException e) {
            throw new ChatException(ChatException.Reason.REJECTED, e.getMessage());
        }
    }

    private Frame.Devices devices() {
        String id = Relay.newRequestId();
        Frame answer = relay.call(new Frame.GetDevices(id), "req:" + id);
        if (!(answer instanceof Frame.Devices devices)) {
            throw refused(answer, "list the account's devices");
        }
        return devices;
    }

    /**
     * Uploads the list the relay lacks, if this device has one to give: the pinned one, or a first
     * one when it is the account's only device.
     *
     * @return whether the relay may hold a list now (this one, or one another device gave it)
     */
    private boolean repair(List<Frame.DeviceEntry> registered) {
        DeviceList pinned = lists.pinned(self.account());
        byte[] signed;
        if (pinned != null) {
            signed = lists.pinnedBytes(self.account());
        } else if (registered.size() == 1 && registered.get(0).deviceId() == self.device()) {
            DeviceList first = DeviceList.first(self.account(), selfEntry);
            signed = first.sign(identity);
            pinned = first;
        } else {
            return false;
        }
        String id = Relay.newRequestId();
        Frame answer = relay.call(new Frame.PutDeviceList(id, signed), "req:" + id);
        if (!(answer instanceof Frame.Ok)) {
            // another device of the account may have given it one meanwhile: asked again after
            LOG.log(Log.Level.DEBUG, "the relay did not take the device list: {0}", answer);
            return true;
        }
        lists.pin(pinned, signed);
        LOG.log(
                Log.Level.INFO,
                "gave the relay the account's device list (version {0})",
                pinned.version());
        return true;
    }

    /**
     * Removes device {@code deviceId} of the account with a newly signed list without it (the
     * device may already be gone at the relay, revoked by its operator: then only the list
     * changes). Tries once more if another device changed the list meanwhile.
     *
     * @throws ChatException INVALID_ARGUMENT if the account has no such device; REJECTED if the
     *     relay refused
     */
    public void remove(int deviceId) {
        for (int attempt = 1; ; attempt++) {
            Current current = fetch();
            boolean registered = current.devices().stream().anyMatch(d -> d.deviceId() == deviceId);
            byte[] signed = null;
            DeviceList next = null;
            if (current.list() != null) {
                if (!current.list().contains(deviceId)) {
                    throw noSuchDevice(deviceId);
                }
                if (current.list().entries().size() > 1) {
                    next = current.list().without(deviceId);
                    signed = next.sign(identity);
                }
                // the last device leaves with the account: there is no list without it
            } else if (!registered) {
                throw noSuchDevice(deviceId);
            }
            String id = Relay.newRequestId();
            Frame answer = relay.call(new Frame.RemoveDevice(id, deviceId, signed), "req:" + id);
            if (answer instanceof Frame.Ok) {
                if (next != null) {
                    lists.pin(next, signed);
                }
                return;
            }
            if (answer instanceof Frame.ErrorFrame error) {
                if (error.code() == ErrorCode.NOT_FOUND) {
                    throw noSuchDevice(deviceId);
                }
                if (error.code() == ErrorCode.INVALID_REQUEST && attempt < 2) {
                    LOG.log(Log.Level.DEBUG, "removing again: {0}", error.message());
                    continue;
                }
            }
            throw refused(answer, "remove device " + deviceId);
        }
    }

    /**
     * Checks this device against the account's list once connected (see {@link #fetch}: an account
     * without a list at the relay gets one), and reports to {@code report} if this device is not in
     * the account's list (another device removed it).
     */
    public void check(Consumer<ChatException> report) {
        Current current = fetch();
        if (current.list() == null) {
            return;
        }
        DeviceList.Entry entry = current.list().entry(self.device());
        if (entry == null || !entry.sameAs(selfEntry)) {
            report.accept(
                    new ChatException(
                            ChatException.Reason.DEVICE_REMOVED,
                            "this device ("
                                    + self.device()
                                    + ") is not in its account's signed device list (version "
                                    + current.list().version()
                                    + "): it was removed or replaced; link it again"));
        }
    }

    private static ChatException noSuchDevice(int deviceId) {
        return new ChatException(
                ChatException.Reason.INVALID_ARGUMENT, "this account has no device " + deviceId);
    }

    private static ChatException refused(Frame answer, String what) {
        if (answer instanceof Frame.ErrorFrame error) {
            return new ChatException(
                    error.code().retryable()
                            ? ChatException.Reason.RELAY_UNREACHABLE
                            : ChatException.Reason.REJECTED,
                    "the relay did not " + what + ": " + error.message());
        }
        return new ChatException(
                ChatException.Reason.REJECTED, "the relay answered with an unexpected frame");
    }
}
