package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceStore;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The prekey directory requests of an authenticated device: {@code get-bundles} (taking one-time
 * prekeys, each handed out once), {@code upload-prekeys} for its own keys, and {@code
 * get-prekey-count}.
 */
public final class PreKeyHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(PreKeyHandler.class.getName());

    private final DeviceStore devices;
    private DeviceAddress device;

    /** A handler answering from {@code devices}. */
    public PreKeyHandler(DeviceStore devices) {
        this.devices = devices;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof Authenticated authenticated) {
            device = authenticated.device();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (device == null) {
            ctx.fireChannelRead(msg);
        } else if (msg instanceof Frame.GetBundles get) {
            answer(
                    ctx,
                    get.requestId(),
                    devices.takeBundles(get.accountId()),
                    bundles ->
                            bundles.isEmpty()
                                    ? Frame.ErrorFrame.of(
                                            get.requestId(),
                                            ErrorCode.NOT_FOUND,
                                            "account " + get.accountId() + " is not registered")
                                    : new Frame.Bundles(get.requestId(), get.accountId(), bundles));
        } else if (msg instanceof Frame.UploadPreKeys upload) {
            answer(
                    ctx,
                    upload.requestId(),
                    devices.uploadPreKeys(device, upload),
                    done -> new Frame.Ok(upload.requestId()));
        } else if (msg instanceof Frame.GetPreKeyCount count) {
            answer(
                    ctx,
                    count.requestId(),
                    devices.preKeyCounts(device),
                    counts ->
                            new Frame.PreKeyCount(
                                    count.requestId(), counts.ecPreKeys(), counts.kyberPreKeys()));
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private <T> void answer(
            ChannelHandlerContext ctx,
            String requestId,
            CompletableFuture<T> result,
            Function<T, Frame> toFrame) {
        result.whenCompleteAsync(
                (value, error) -> {
                    if (error == null) {
                        ctx.writeAndFlush(toFrame.apply(value));
                    } else if (Failures.isShutdown(error)) {
                        ctx.writeAndFlush(
                                new Frame.ErrorFrame(
                                        requestId,
                                        ErrorCode.SHUTTING_DOWN,
                                        "the relay is shutting down",
                                        1000L));
                    } else {
                        LOG.log(
                                Level.ERROR,
                                "prekey request " + requestId + " of " + device + " failed",
                                Failures.unwrap(error));
                        ctx.writeAndFlush(
                                Frame.ErrorFrame.of(
                                        requestId,
                                        ErrorCode.INTERNAL_ERROR,
                                        "the relay could not answer"));
                    }
                },
                ctx.executor());
    }
}
