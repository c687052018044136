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
 * uploaded once by the single device of an account registered before device lists existed.
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
     * Asks the relay for the account's devices and its signed list.
     *
     * @throws ChatException REJECTED if the list does not verify or is older than one seen before;
     *     RELAY_UNREACHABLE if the relay did not answer
     */
    public Current fetch() {
        String id = Relay.newRequestId();
        Frame answer = relay.call(new Frame.GetDevices(id), "req:" + id);
        if (!(answer instanceof Frame.Devices devices)) {
            throw refused(answer, "list the account's devices");
        }
        try {
            DeviceList list =
                    lists.accept(self.account(), identity.publicKey(), devices.deviceList());
            return new Current(devices.devices(), list, list == null ? null : devices.deviceList());
        } catch (DeviceListException e) {
            throw new ChatException(ChatException.Reason.REJECTED, e.getMessage());
        }
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
     * Checks this device against the account's list once connected: uploads the first list of an
     * account that has none and only this device (registered before device lists existed), and
     * reports to {@code report} if this device is not in the account's list (another device removed
     * it).
     */
    public void check(Consumer<ChatException> report) {
        Current current = fetch();
        if (current.list() == null) {
            if (current.devices().size() == 1
                    && current.devices().get(0).deviceId() == self.device()) {
                upload(DeviceList.first(self.account(), selfEntry));
            }
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

    private void upload(DeviceList first) {
        byte[] signed = first.sign(identity);
        String id = Relay.newRequestId();
        Frame answer = relay.call(new Frame.PutDeviceList(id, signed), "req:" + id);
        if (answer instanceof Frame.Ok) {
            lists.pin(first, signed);
            LOG.log(Log.Level.INFO, "uploaded the account's first signed device list");
        } else {
            LOG.log(Log.Level.WARNING, "the relay refused the first device list: {0}", answer);
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
