package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.store.AdminStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import io.netty.channel.ChannelHandlerContext;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An authenticated device's requests about the devices of its own account: {@code get-devices} and
 * {@code remove-device}. A device can only ever list or remove devices of the account it
 * authenticated as; the frames carry no account ID. Holds no state of its own: one instance serves
 * every connection.
 */
final class DeviceRequests {
    private static final System.Logger LOG = System.getLogger(DeviceRequests.class.getName());

    private final AdminStore store;
    private final DeliveryBus bus;

    DeviceRequests(AdminStore store, DeliveryBus bus) {
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
                    store.devices(device.accountId()),
                    list ->
                            new Frame.Devices(
                                    get.requestId(),
                                    list.stream()
                                            .map(
                                                    d ->
                                                            new Frame.DeviceEntry(
                                                                    d.deviceId(),
                                                                    d.registeredAt(),
                                                                    d.lastSeen()))
                                            .toList()));
        } else if (frame instanceof Frame.RemoveDevice remove) {
            DeviceAddress target = new DeviceAddress(device.accountId(), remove.deviceId());
            answer(
                    ctx,
                    device,
                    remove.requestId(),
                    store.revokeDevices(device.accountId(), remove.deviceId()),
                    removed -> removed(remove, target, removed));
        } else {
            return false;
        }
        return true;
    }

    private Frame removed(Frame.RemoveDevice remove, DeviceAddress target, List<Integer> removed) {
        if (removed.isEmpty()) {
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
