package dev.cipherline.relay.internal.net;

import io.netty.channel.Channel;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps the memory of a connection whose client does not read bounded. When the unwritten bytes
 * pass the high water mark (the channel turns unwritable) it stops reading from the client, so no
 * new answers pile up; the deliveries stop pushing at the same signal. When the channel drains
 * below the low water mark it reads again. A connection that stays unwritable for the stall timeout
 * is closed at once (a close frame could not be written anyway), dropping what it held; its
 * unacknowledged deliveries stay queued for the next connection.
 *
 * <p>Holds no state of a connection: one instance serves them all, and each connection keeps its
 * own stall timer (see {@link #writabilityChanged}).
 */
final class Backpressure {
    private static final System.Logger LOG = System.getLogger(Backpressure.class.getName());

    private final Supplier<Duration> stallTimeout;

    /** Closing connections unwritable for longer than {@code stallTimeout}. */
    Backpressure(Duration stallTimeout) {
        this(() -> stallTimeout);
    }

    /**
     * Closing connections unwritable for longer than what {@code stallTimeout} gives, asked at the
     * start of each stall so that a reload applies to the next one.
     */
    Backpressure(Supplier<Duration> stallTimeout) {
        this.stallTimeout = stallTimeout;
    }

    /**
     * Reacts to {@code channel} turning writable or unwritable; call on its event loop.
     *
     * @param timer the connection's stall timer, or null when none runs
     * @return the connection's stall timer from now on, or null when none runs
     */
    ScheduledFuture<?> writabilityChanged(Channel channel, ScheduledFuture<?> timer) {
        if (channel.isWritable()) {
            channel.config().setAutoRead(true);
            if (timer != null) {
                timer.cancel(false);
            }
            return null;
        }
        channel.config().setAutoRead(false);
        if (timer != null && !timer.isDone()) {
            return timer;
        }
        return channel.eventLoop()
                .schedule(
                        () -> stalled(channel),
                        stallTimeout.get().toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private void stalled(Channel channel) {
        if (!channel.isWritable() && channel.isActive()) {
            LOG.log(
                    Level.INFO,
                    "closing connection "
                            + channel.id()
                            + ": its client read nothing for "
                            + stallTimeout.get()
                            + " ("
                            + channel.unsafe().outboundBuffer().totalPendingWriteBytes()
                            + " bytes unwritten)");
            channel.close();
        }
    }
}
