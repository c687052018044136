package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.Limits;
import java.time.Duration;

/**
 * The tunables of the connection handlers.
 *
 * @param limits the protocol limits the relay enforces
 * @param hardFrameCap the largest WebSocket message the relay reads at all; above {@code
 *     limits.maxFrameBytes()} and up to this a frame is refused with an error frame, above this the
 *     connection is closed with 1009
 * @param maxExpiry the longest lifetime the relay grants an envelope
 * @param window the most unacknowledged deliveries per connection
 * @param authTimeout how long a connection may stay unauthenticated, from TCP accept
 * @param idleTimeout how long a connection may stay silent (no frame, no ping)
 * @param quotaRetryAfter what a sender hears as {@code retryAfterMs} when a queue is full
 * @param maxDevices the most devices one account may register
 */
public record RelaySettings(
        Limits limits,
        int hardFrameCap,
        Duration maxExpiry,
        int window,
        Duration authTimeout,
        Duration idleTimeout,
        Duration quotaRetryAfter,
        int maxDevices) {

    /** Settings allowing the default 10 devices per account. */
    public RelaySettings(
            Limits limits,
            int hardFrameCap,
            Duration maxExpiry,
            int window,
            Duration authTimeout,
            Duration idleTimeout,
            Duration quotaRetryAfter) {
        this(
                limits,
                hardFrameCap,
                maxExpiry,
                window,
                authTimeout,
                idleTimeout,
                quotaRetryAfter,
                dev.cipherline.relay.Operations.DEFAULT_MAX_DEVICES);
    }

    public RelaySettings {
        if (hardFrameCap < limits.maxFrameBytes() || window < 1) {
            throw new IllegalArgumentException(
                    "hard frame cap below the frame limit, or window < 1");
        }
        if (maxDevices < 1) {
            throw new IllegalArgumentException("maxDevices < 1");
        }
    }
}
