package dev.cipherline.relay.internal.delivery;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The delivery bus of a single relay node: a registry of the connections of this process. */
public final class LocalDeliveryBus implements DeliveryBus {
    private final ConcurrentHashMap<DeviceAddress, DeliveryListener> connections =
            new ConcurrentHashMap<>();

    @Override
    public void subscribe(DeviceAddress device, DeliveryListener listener) {
        DeliveryListener previous = connections.put(device, listener);
        if (previous != null && previous != listener) {
            previous.replaced();
        }
    }

    @Override
    public void unsubscribe(DeviceAddress device, DeliveryListener listener) {
        connections.remove(device, listener);
    }

    @Override
    public void publish(DeviceAddress device, List<QueueEntry> entries) {
        DeliveryListener listener = connections.get(device);
        if (listener != null) {
            listener.newEntries(entries);
        }
    }

    @Override
    public void notices(DeviceAddress device) {
        DeliveryListener listener = connections.get(device);
        if (listener != null) {
            listener.wake(0);
        }
    }

    @Override
    public void forwardEphemeral(DeviceAddress device, Frame.Deliver deliver) {
        DeliveryListener listener = connections.get(device);
        if (listener != null) {
            listener.ephemeral(deliver);
        }
    }

    @Override
    public void disconnect(DeviceAddress device) {
        DeliveryListener listener = connections.remove(device);
        if (listener != null) {
            listener.revoked();
        }
    }

    /** How many devices are connected to this node. */
    public int connectedDevices() {
        return connections.size();
    }
}
