package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceListRefusedException;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.store.SignedDeviceList;
import dev.cipherline.relay.internal.store.UnknownDeviceException;
import io.netty.channel.ChannelHandlerContext;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An authenticated device's requests about the devices of its own account: {@code get-devices},
 * {@code remove-device} and {@code put-device-list}, each with the account's signed device list. A
 * device can only ever list or remove devices of the account it authenticated as; the frames carry
 * no account ID. Holds no state of its own: one instance serves every connection.
 */
final class DeviceRequests {
    private static final System.Logger LOG = System.getLogger(DeviceRequests.class.getName());

    private final RelayStore store;
    private final DeliveryBus bus;

    DeviceRequests(RelayStore store, DeliveryBus bus) {
        this.store = store;
        this.bus = bus;
    }

    /**
     * Answers {@code frame} on {@code ctx} if it is a device request of {@code device}.
     *
     * @return whether it was one (else it is left to the caller)
     */
    boolean handle(ChannelHandlerContext ctx, DeviceAddress device, Frame frame) {
        if (frame instanceof Frame.GetDevices get) {
            answer(
                    ctx,
                    device,
                    get.requestId(),
                    store.devices(device.accountId())
                            .thenCombine(
                                    store.deviceList(device.accountId()),
                                    (list, signed) ->
                                            new Frame.Devices(
                                                    get.requestId(),
                                                    list.stream()
                                                            .map(
                                                                    d ->
                                                                            new Frame.DeviceEntry(
                                                                                    d.deviceId(),
                                                                                    d
                                                                                            .registeredAt(),
                                                                                    d.lastSeen()))
                                                            .toList(),
                                                    signed.orElse(null))),
                    answer -> answer);
        } else if (frame instanceof Frame.RemoveDevice remove) {
            DeviceAddress target = new DeviceAddress(device.accountId(), remove.deviceId());
            answer(
                    ctx,
                    device,
                    remove.requestId(),
                    signedBy(device, remove.deviceList())
                            .thenCompose(
                                    list ->
                                            store.removeDevice(
                                                    device.accountId(), remove.deviceId(), list)),
                    removed -> removed(remove, target, removed));
        } else if (frame instanceof Frame.PutDeviceList put) {
            answer(
                    ctx,
                    device,
                    put.requestId(),
                    signedBy(device, put.deviceList())
                            .thenCompose(list -> store.putDeviceList(device.accountId(), list)),
                    done -> new Frame.Ok(put.requestId()));
        } else {
            return false;
        }
        return true;
    }

    /**
     * The signed list {@code bytes} (null stays null) once checked against the identity key {@code
     * device} registered with; fails with {@link DeviceListRefusedException} if it is not its
     * account's or the signature does not verify.
     */
    private CompletableFuture<SignedDeviceList> signedBy(DeviceAddress device, byte[] bytes) {
        if (bytes == null) {
            return CompletableFuture.completedFuture(null);
        }
        return store.identityKey(device)
                .thenApply(
                        key ->
                                DeviceLists.verified(
                                        bytes,
                                        device.accountId(),
                                        key.orElseThrow(() -> new UnknownDeviceException(device))));
    }

    private Frame removed(Frame.RemoveDevice remove, DeviceAddress target, boolean removed) {
        if (!removed) {
            return Frame.ErrorFrame.of(
                    remove.requestId(),
                    ErrorCode.NOT_FOUND,
                    "device " + remove.deviceId() + " is not a device of this account");
        }
        LOG.log(Level.INFO, "removed device " + target + " at the request of its account");
        // on every node: the removed device's connection closes with 4006 wherever it is
        bus.disconnect(target);
        return new Frame.Ok(remove.requestId());
    }

    private <T> void answer(
            ChannelHandlerContext ctx,
            DeviceAddress device,
            String requestId,
            CompletableFuture<T> result,
            Function<T, Frame> toFrame) {
        Failures.answer(ctx, LOG, "device request", device, requestId, result, toFrame);
    }
}
