package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.limits.RateLimiter;
import dev.cipherline.relay.internal.store.RelayStore;
import java.time.Clock;
import java.time.Duration;

/**
 * The logic every {@link SessionHandler} shares, made once per relay: the device rate limit, sends,
 * prekey requests, and the settings of deliveries. None of it holds state of a connection.
 */
public final class SessionServices {
    final DeviceRateLimit rateLimit;
    final Sends sends;
    final PreKeys preKeys;
    final Deliveries.Settings deliveries;

    /**
     * Services over {@code store} and {@code bus}.
     *
     * @param deviceRate requests per authenticated device
     * @param limits checks envelopes and recipients of sends against the relay's limits
     * @param maxExpiry the longest lifetime granted to an envelope
     * @param quotaRetryAfter the retry hint when a recipient's queue is full
     * @param window the most unacknowledged deliveries per connection
     */
    public SessionServices(
            RelayStore store,
            DeliveryBus bus,
            RateLimiter deviceRate,
            FrameCodec limits,
            Clock clock,
            Duration maxExpiry,
            Duration quotaRetryAfter,
            int window) {
        this.rateLimit = new DeviceRateLimit(deviceRate);
        this.sends = new Sends(store, bus, limits, clock, maxExpiry, quotaRetryAfter);
        this.preKeys = new PreKeys(store, limits);
        this.deliveries = new Deliveries.Settings(store, bus, clock, window);
    }
}
