package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.delivery.DeliveryWindow;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.ExpiryNotice;
import dev.cipherline.relay.internal.store.NoticeStore;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.QueueStore;
import io.netty.channel.ChannelHandlerContext;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers the authenticated device's queue over one connection and takes its acks: it becomes the
 * device's connection on the {@link DeliveryBus} (closing an older one with 4004), pushes the
 * backlog through a {@link DeliveryWindow}, then everything new. {@code ack} deletes the device's
 * own entries; ephemeral envelopes are written as they come. While the channel is unwritable (its
 * client does not read) the window pauses and ephemerals are dropped.
 *
 * <p>One per authenticated connection, made by its {@link SessionHandler}; it is the window's sink
 * and the bus's listener itself, so that an idle connection holds one object for its deliveries.
 * Every method but the {@link DeliveryListener} ones runs on the connection's event loop.
 */
final class Deliveries implements DeliveryWindow.Sink, DeliveryListener {
    private static final System.Logger LOG = System.getLogger(Deliveries.class.getName());

    /** What every connection's deliveries share. */
    record Settings(
            QueueStore queues,
            NoticeStore notices,
            DeliveryBus bus,
            Clock clock,
            int window,
            RelayMetrics metrics) {}

    /** How many expiry notices one store read returns. */
    private static final int NOTICE_PAGE = 256;

    private final Settings settings;
    private final SessionHandler session;
    private final ChannelHandlerContext ctx;
    private final DeliveryWindow window;
    private List<Long> pendingAcks;
    private long noticeCursor; // the highest notice ID written on this connection
    private boolean readingNotices;
    private boolean noticesAgain;

    /**
     * Deliveries of {@code session}'s device over the channel of {@code ctx}; call {@link #start}.
     */
    Deliveries(Settings settings, SessionHandler session, ChannelHandlerContext ctx) {
        this.settings = settings;
        this.session = session;
        this.ctx = ctx;
        this.window =
                new DeliveryWindow(
                        settings.queues(),
                        session.device(),
                        settings.window(),
                        settings.clock(),
                        ctx.executor(),
                        this);
    }

    /**
     * Subscribes to the bus, writes the device's expiry notices and starts pushing the backlog, so
     * that the notices come before {@code synced}.
     */
    void start() {
        DeviceAddress device = session.device();
        settings.bus().subscribe(device, this);
        readNotices(this::startWindow);
    }

    private void startWindow() {
        settings.queues()
                .lastSeq(session.device())
                .whenCompleteAsync(
                        (backlogEnd, error) -> {
                            if (error != null) {
                                failed(error);
                            } else {
                                window.start(backlogEnd);
                            }
                        },
                        ctx.executor());
    }

    /** The client acknowledged {@code ack.seqs()}. */
    void acked(Frame.Ack ack) {
        window.acked(ack.seqs());
        if (pendingAcks == null) {
            // the acks read in this pass of the event loop go to the store as one write
            pendingAcks = new ArrayList<>();
            ctx.executor().execute(this::storeAcks);
        }
        pendingAcks.addAll(ack.seqs());
    }

    private void storeAcks() {
        List<Long> seqs = pendingAcks;
        pendingAcks = null;
        DeviceAddress owner = session.device();
        settings.queues()
                .ack(owner, seqs)
                .whenComplete(
                        (deleted, error) -> {
                            if (error == null) {
                                settings.metrics().acked(deleted);
                            } else if (!Failures.isShutdown(error)) {
                                LOG.log(Level.WARNING, "ack of " + owner + " failed: " + error);
                            }
                        });
    }

    /** The client took note of expiry notices: the store subtracts their counts. */
    void ackedNotices(Frame.AckExpired ack) {
        DeviceAddress owner = session.device();
        settings.notices()
                .ackNotices(owner, ack.notices())
                .whenComplete(
                        (done, error) -> {
                            if (error != null && !Failures.isShutdown(error)) {
                                LOG.log(
                                        Level.WARNING,
                                        "ack of expiry notices of " + owner + " failed: " + error);
                            }
                        });
    }

    /**
     * Writes the device's expiry notices this connection has not written yet (a notice is written
     * once per connection: one that grows meanwhile comes again, with what is left after the ack,
     * on the next connection), then runs {@code then}, if any.
     */
    private void readNotices(Runnable then) {
        if (readingNotices) {
            noticesAgain = true;
            return;
        }
        readingNotices = true;
        noticesAgain = false;
        settings.notices()
                .notices(session.device(), noticeCursor, NOTICE_PAGE)
                .whenCompleteAsync(
                        (page, error) -> {
                            readingNotices = false;
                            if (error != null) {
                                failed(error);
                                return;
                            }
                            if (!ctx.channel().isActive()) {
                                return;
                            }
                            for (ExpiryNotice notice : page) {
                                noticeCursor = Math.max(noticeCursor, notice.id());
                                ctx.write(notice.toFrame());
                            }
                            if (!page.isEmpty()) {
                                flush();
                            }
                            if (page.size() == NOTICE_PAGE || noticesAgain) {
                                readNotices(then);
                            } else if (then != null) {
                                then.run();
                            }
                        },
                        ctx.executor());
    }

    /** The channel turned writable or unwritable. */
    void writabilityChanged(boolean writable) {
        if (writable) {
            window.resume();
        } else {
            window.pause();
        }
    }

    /** The connection closed: stop pushing and leave the bus. */
    void stop() {
        window.stop();
        settings.bus().unsubscribe(session.device(), this);
    }

    // --- the window's sink, on the loop

    @Override
    public void deliver(Frame.Deliver deliver) {
        settings.metrics().delivered();
        ctx.write(deliver);
    }

    @Override
    public void synced() {
        ctx.write(new Frame.Synced(settings.clock().millis()));
    }

    @Override
    public boolean writable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void flush() {
        session.out(ctx).flushSoon();
    }

    @Override
    public void failed(Throwable error) {
        if (!Failures.isShutdown(error)) {
            LOG.log(
                    Level.WARNING,
                    "reading the queue of " + session.device() + " failed: " + error);
        }
        Channels.close(ctx.channel(), CloseCodes.INTERNAL_ERROR, "internal error");
    }

    // --- the bus side, from any thread: every call hops onto the connection's event loop

    @Override
    public void newEntries(List<QueueEntry> entries) {
        ctx.executor().execute(() -> window.newEntries(entries));
    }

    @Override
    public void wake(long lastSeq) {
        ctx.executor()
                .execute(
                        () -> {
                            if (lastSeq == 0 || lastSeq == Long.MAX_VALUE) {
                                // 0: new expiry notices; MAX_VALUE: read everything again
                                readNotices(null);
                            }
                            if (lastSeq != 0) {
                                window.wake(lastSeq);
                            }
                        });
    }

    @Override
    public void ephemeral(Frame.Deliver deliver) {
        // best effort by definition: dropped, not buffered, for a client that does not read
        ctx.executor()
                .execute(
                        () -> {
                            if (ctx.channel().isWritable()) {
                                ctx.writeAndFlush(deliver);
                            }
                        });
    }

    @Override
    public void revoked() {
        ctx.executor()
                .execute(
                        () -> {
                            window.stop();
                            Channels.close(
                                    ctx.channel(),
                                    CloseCodes.REMOVED,
                                    "the device was removed from its account");
                        });
    }

    @Override
    public void replaced() {
        ctx.executor()
                .execute(
                        () -> {
                            window.stop();
                            Channels.close(
                                    ctx.channel(),
                                    CloseCodes.REPLACED,
                                    "replaced by a newer connection");
                        });
    }
}
