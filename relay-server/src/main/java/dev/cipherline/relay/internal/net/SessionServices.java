package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.limits.RateLimiter;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.RelayStore;
import java.time.Clock;
import java.time.Duration;

/**
 * The logic every {@link SessionHandler} shares, made once per relay: the device rate limit, sends,
 * prekey requests, device requests, and the settings of deliveries. None of it holds state of a
 * connection.
 */
public final class SessionServices {
    final DeviceRateLimit rateLimit;
    final Sends sends;
    final PreKeys preKeys;
    final DeviceRequests deviceRequests;
    final Deliveries.Settings deliveries;
    private final RelayStore store;
    private final Clock clock;

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
        this(
                store,
                bus,
                deviceRate,
                limits,
                clock,
                maxExpiry,
                quotaRetryAfter,
                window,
                new RelayMetrics());
    }

    /**
     * As the other constructor, counting sends, deliveries, acks and refusals in {@code metrics}.
     */
    public SessionServices(
            RelayStore store,
            DeliveryBus bus,
            RateLimiter deviceRate,
            FrameCodec limits,
            Clock clock,
            Duration maxExpiry,
            Duration quotaRetryAfter,
            int window,
            RelayMetrics metrics) {
        this.store = store;
        this.clock = clock;
        this.rateLimit = new DeviceRateLimit(deviceRate, metrics);
        this.sends = new Sends(store, bus, limits, clock, maxExpiry, quotaRetryAfter, metrics);
        this.preKeys = new PreKeys(store, limits);
        this.deviceRequests = new DeviceRequests(store, bus);
        this.deliveries = new Deliveries.Settings(store, store, bus, clock, window, metrics);
    }

    /** Records that {@code device} authenticated now, for the admin command's device list. */
    void seen(DeviceAddress device) {
        store.seen(device, clock.millis())
                .whenComplete(
                        (done, error) -> {
                            if (error != null && !Failures.isShutdown(error)) {
                                LOG.log(
                                        System.Logger.Level.DEBUG,
                                        "recording when " + device + " was seen failed: " + error);
                            }
                        });
    }

    private static final System.Logger LOG = System.getLogger(SessionServices.class.getName());
}
