package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.SendHolds;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The relay session of one connection, last in the pipeline: everything an authenticated device
 * asks, routed to the logic of each concern. Every frame but the acks first passes the {@link
 * DeviceRateLimit}; then {@code ack} and {@code ack-expired} go to the connection's {@link
 * Deliveries}, {@code send} to {@link Sends}, prekey requests to {@link PreKeys}, own-device
 * requests to {@link DeviceRequests}, and any other frame (a second {@code auth}, a frame only the
 * relay may send) is answered {@code invalid-request} by {@link LastResort}, as is every frame that
 * arrives before {@link Authenticated}. An exception nobody mapped to a protocol error is logged
 * and closes the connection.
 *
 * <p>One handler, not one per concern, because every connection carries it for its whole life: an
 * idle connection then holds one pipeline context and the state below, not five handlers.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter {
    private final SessionServices services;

    private DeviceAddress device;
    private String rateKey; // made on the first limited request: many connections stay idle
    private Deliveries deliveries;
    private DeferredFlush out; // made on first use
    private SendHolds holds; // made on the first send

    /** A session served by {@code services}. */
    public SessionHandler(SessionServices services) {
        this.services = services;
    }

    /** The authenticated device, or null before {@link Authenticated}. */
    DeviceAddress device() {
        return device;
    }

    /** The connection's coalesced flushes, shared by the answers to sends and by deliveries. */
    DeferredFlush out(ChannelHandlerContext ctx) {
        if (out == null) {
            out = new DeferredFlush(ctx.channel());
        }
        return out;
    }

    /** Whether this connection has sent anything that may hold (cheap check for every send). */
    boolean hasHolds() {
        return holds != null;
    }

    /** The order of this connection's sends through refusals, made on first use. */
    SendHolds holds() {
        if (holds == null) {
            holds = new SendHolds();
        }
        return holds;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof Authenticated authenticated && device == null) {
            device = authenticated.device();
            services.seen(device);
            deliveries = new Deliveries(services.deliveries, this, ctx);
            deliveries.start();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (device == null) {
            LastResort.refuse(ctx, frame);
            return;
        }
        if (frame instanceof Frame.Send send && services.sends.heldOnArrival(ctx, this, send)) {
            return;
        }
        if (!services.rateLimit.admit(ctx, rateKey(), frame)) {
            if (frame instanceof Frame.Send send) {
                services.sends.refusedEarly(this, send);
            }
            return;
        }
        if (frame instanceof Frame.Ack ack) {
            deliveries.acked(ack);
        } else if (frame instanceof Frame.AckExpired ack) {
            deliveries.ackedNotices(ack);
        } else if (frame instanceof Frame.Send send) {
            services.sends.handle(ctx, this, send);
        } else if (frame instanceof Frame.Abandon abandon) {
            if (hasHolds()) {
                holds().abandon(abandon.clientMsgId());
            }
            ctx.writeAndFlush(new Frame.Ok(abandon.requestId()));
        } else if (!services.preKeys.handle(ctx, device, frame)
                && !services.deviceRequests.handle(ctx, device, frame)) {
            LastResort.refuse(ctx, frame);
        }
    }

    private String rateKey() {
        if (rateKey == null) {
            rateKey = device.toString();
        }
        return rateKey;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (deliveries != null) {
            deliveries.writabilityChanged(ctx.channel().isWritable());
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (deliveries != null) {
            deliveries.stop();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LastResort.failed(ctx, cause);
    }
}
