package dev.cipherline.relay.internal.store;

import java.util.Set;

/**
 * What one expiry sweep deleted.
 *
 * @param noticed the devices that got new expiry notices (senders and recipients of the expired
 *     entries), to be told at once if connected
 */
public record SweepResult(int entries, int bodies, int sendIds, Set<DeviceAddress> noticed) {
    public SweepResult {
        noticed = Set.copyOf(noticed);
    }

    /** A sweep that recorded no notices. */
    public SweepResult(int entries, int bodies, int sendIds) {
        this(entries, bodies, sendIds, Set.of());
    }
}
