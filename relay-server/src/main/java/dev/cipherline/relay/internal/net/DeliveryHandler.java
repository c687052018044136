package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.delivery.DeliveryListener;
import dev.cipherline.relay.internal.delivery.DeliveryWindow;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.QueueStore;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers the authenticated device's queue over this connection and takes its acks: on {@link
 * Authenticated} it becomes the device's connection on the {@link DeliveryBus} (closing an older
 * one with 4004), pushes the backlog through a {@link DeliveryWindow}, then everything new. {@code
 * ack} deletes the device's own entries; ephemeral envelopes are written as they come. While the
 * channel is unwritable (its client does not read) the window pauses and ephemerals are dropped.
 */
public final class DeliveryHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(DeliveryHandler.class.getName());

    private final QueueStore queues;
    private final DeliveryBus bus;
    private final Clock clock;
    private final int window;

    private DeviceAddress device;
    private DeliveryWindow deliveries;
    private DeliveryBus.Subscription subscription;
    private DeferredFlush out; // made on first use: many connections stay idle
    private List<Long> pendingAcks;

    /** A handler delivering from {@code queues} with {@code window} unacked deliveries at most. */
    public DeliveryHandler(QueueStore queues, DeliveryBus bus, Clock clock, int window) {
        this.queues = queues;
        this.bus = bus;
        this.clock = clock;
        this.window = window;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof Authenticated authenticated && device == null) {
            start(ctx, authenticated.device());
        }
        super.userEventTriggered(ctx, event);
    }

    private void start(ChannelHandlerContext ctx, DeviceAddress device) {
        this.device = device;
        deliveries =
                new DeliveryWindow(queues, device, window, clock, ctx.executor(), new Sink(ctx));
        subscription = bus.subscribe(device, new Listener(ctx));
        queues.lastSeq(device)
                .whenCompleteAsync(
                        (backlogEnd, error) -> {
                            if (error != null) {
                                failed(ctx, error);
                            } else {
                                deliveries.start(backlogEnd);
                            }
                        },
                        ctx.executor());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof Frame.Ack ack && deliveries != null) {
            deliveries.acked(ack.seqs());
            if (pendingAcks == null) {
                // the acks read in this pass of the event loop go to the store as one write
                pendingAcks = new ArrayList<>();
                ctx.executor().execute(this::storeAcks);
            }
            pendingAcks.addAll(ack.seqs());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void storeAcks() {
        List<Long> seqs = pendingAcks;
        pendingAcks = null;
        DeviceAddress owner = device;
        queues.ack(owner, seqs)
                .whenComplete(
                        (deleted, error) -> {
                            if (error != null && !Failures.isShutdown(error)) {
                                LOG.log(Level.WARNING, "ack of " + owner + " failed: " + error);
                            }
                        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (deliveries != null) {
            if (ctx.channel().isWritable()) {
                deliveries.resume();
            } else {
                deliveries.pause();
            }
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deliveries != null) {
            deliveries.stop();
            subscription.close();
        }
        super.channelInactive(ctx);
    }

    private void failed(ChannelHandlerContext ctx, Throwable error) {
        if (!Failures.isShutdown(error)) {
            LOG.log(Level.WARNING, "reading the queue of " + device + " failed: " + error);
        }
        Channels.close(ctx.channel(), CloseCodes.INTERNAL_ERROR, "internal error");
    }

    private final class Sink implements DeliveryWindow.Sink {
        private final ChannelHandlerContext ctx;

        Sink(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void deliver(Frame.Deliver deliver) {
            ctx.write(deliver);
        }

        @Override
        public void synced() {
            ctx.write(new Frame.Synced(clock.millis()));
        }

        @Override
        public boolean writable() {
            return ctx.channel().isWritable();
        }

        @Override
        public void flush() {
            out(ctx).flushSoon();
        }

        @Override
        public void failed(Throwable cause) {
            DeliveryHandler.this.failed(ctx, cause);
        }
    }

    /** The bus side: hops every call onto the connection's event loop. */
    private final class Listener implements DeliveryListener {
        private final ChannelHandlerContext ctx;

        Listener(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void newEntries(List<QueueEntry> entries) {
            ctx.executor().execute(() -> deliveries.newEntries(entries));
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
        public void replaced() {
            ctx.executor()
                    .execute(
                            () -> {
                                deliveries.stop();
                                Channels.close(
                                        ctx.channel(),
                                        CloseCodes.REPLACED,
                                        "replaced by a newer connection");
                            });
        }
    }

    private DeferredFlush out(ChannelHandlerContext ctx) {
        if (out == null) {
            out = new DeferredFlush(ctx.channel());
        }
        return out;
    }
}
