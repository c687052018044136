package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that stayed silent (nothing read) for the idle timeout: 4005 on a WebSocket,
 * plainly otherwise. One periodic sweep per event loop walks the connections of that loop, so a
 * connection holds a small {@link Watch} with its last read time instead of a timer of its own. A
 * connection is closed between the timeout and the timeout plus one sweep period after its last
 * read; the period is a fortieth of the timeout, at most one second.
 *
 * <p>One sweeper serves the whole relay; each {@link Watch} and each loop's list is used only on
 * its event loop.
 */
final class IdleSweeper {
    private static final long MAX_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long timeoutNanos;
    private final long periodNanos;
    private final ConcurrentHashMap<EventExecutor, Loop> loops = new ConcurrentHashMap<>();

    /** A sweeper closing connections silent for {@code timeout}. */
    IdleSweeper(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive");
        }
        this.timeoutNanos = timeout.toNanos();
        this.periodNanos = Math.max(1, Math.min(timeoutNanos / 40, MAX_PERIOD_NANOS));
    }

    /**
     * Starts watching {@code channel}, as if it had just read. Call on the channel's event loop.
     */
    Watch watch(Channel channel) {
        EventLoop executor = channel.eventLoop();
        Loop loop = loops.computeIfAbsent(executor, Loop::new);
        Watch watch = new Watch(loop, channel, executor.ticker().nanoTime());
        loop.add(watch);
        return watch;
    }

    /** The connections of one event loop, in a list linked through their watches. */
    private final class Loop implements Runnable {
        private final EventExecutor executor;
        private Watch head;

        Loop(EventExecutor executor) {
            this.executor = executor;
            executor.scheduleAtFixedRate(this, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        }

        void add(Watch watch) {
            watch.next = head;
            if (head != null) {
                head.prev = watch;
            }
            head = watch;
        }

        void remove(Watch watch) {
            if (watch.prev != null) {
                watch.prev.next = watch.next;
            } else if (head == watch) {
                head = watch.next;
            }
            if (watch.next != null) {
                watch.next.prev = watch.prev;
            }
            watch.prev = null;
            watch.next = null;
        }

        /** The sweep: closes every connection silent for the timeout. */
        @Override
        public void run() {
            long now = executor.ticker().nanoTime();
            Watch watch = head;
            while (watch != null) {
                Watch next = watch.next;
                if (now - watch.lastRead >= timeoutNanos) {
                    // closed once: the close frame's grace period must not trigger a second close
                    watch.stop();
                    Channels.close(watch.channel, CloseCodes.IDLE, "idle timeout");
                }
                watch = next;
            }
        }
    }

    /** One connection under watch. Used only on its event loop. */
    static final class Watch {
        private final Loop loop;
        private final Channel channel;
        private long lastRead;
        private boolean stopped;
        private Watch prev;
        private Watch next;

        private Watch(Loop loop, Channel channel, long now) {
            this.loop = loop;
            this.channel = channel;
            this.lastRead = now;
        }

        /** The connection read something now. */
        void read() {
            lastRead = loop.executor.ticker().nanoTime();
        }

        /** Stops watching; the connection closed. Safe to call more than once. */
        void stop() {
            if (!stopped) {
                stopped = true;
                loop.remove(this);
            }
        }
    }
}
