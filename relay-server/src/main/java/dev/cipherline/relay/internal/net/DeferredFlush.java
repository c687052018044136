package dev.cipherline.relay.internal.net;

import io.netty.channel.Channel;

/**
 * Coalesces the flushes of one connection: frames are written at once, and the flush runs after the
 * tasks already queued on the connection's event loop. When the writer commits a batch, the answers
 * and deliveries of that batch for one connection then leave in one system call instead of one
 * each. Used only on the connection's event loop.
 */
final class DeferredFlush implements Runnable {
    private final Channel channel;
    private boolean scheduled;

    DeferredFlush(Channel channel) {
        this.channel = channel;
    }

    /** Writes {@code frame} and flushes soon. */
    void write(Object frame) {
        channel.write(frame);
        flushSoon();
    }

    /** Flushes what was written, soon. */
    void flushSoon() {
        if (!scheduled) {
            scheduled = true;
            // itself as the task rather than a method reference: one object less per connection
            channel.eventLoop().execute(this);
        }
    }

    /** The deferred flush; runs on the event loop. */
    @Override
    public void run() {
        scheduled = false;
        channel.flush();
    }
}
