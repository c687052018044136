package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceStore;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The prekey directory requests of an authenticated device: {@code get-bundles} (taking one-time
 * prekeys, each handed out once, with the account's signed device list), {@code upload-prekeys} for
 * its own keys, and {@code get-prekey-count}. Holds no state of its own: one instance serves every
 * connection.
 */
final class PreKeys {
    private static final System.Logger LOG = System.getLogger(PreKeys.class.getName());

    private final DeviceStore devices;
    private final FrameCodec limits;

    /** Requests answered from {@code devices}; uploads checked against {@code limits}. */
    PreKeys(DeviceStore devices, FrameCodec limits) {
        this.devices = devices;
        this.limits = limits;
    }

    /**
     * Answers {@code frame} on {@code ctx} if it is a prekey request of {@code device}.
     *
     * @return whether it was one (else it is left to the caller)
     */
    boolean handle(ChannelHandlerContext ctx, DeviceAddress device, Frame frame) {
        if (frame instanceof Frame.GetBundles get) {
            answer(
                    ctx,
                    device,
                    get.requestId(),
                    // the list is read after the bundles: a list changed in between is newer,
                    // which the client asks about again (a list older than the bundles never is)
                    devices.takeBundles(get.accountId())
                            .thenCompose(
                                    bundles ->
                                            devices.deviceList(get.accountId())
                                                    .thenApply(
                                                            list ->
                                                                    new Frame.Bundles(
                                                                            get.requestId(),
                                                                            get.accountId(),
                                                                            bundles,
                                                                            list.orElse(null)))),
                    bundles ->
                            bundles.devices().isEmpty()
                                    ? Frame.ErrorFrame.of(
                                            get.requestId(),
                                            ErrorCode.NOT_FOUND,
                                            "account " + get.accountId() + " is not registered")
                                    : bundles);
        } else if (frame instanceof Frame.UploadPreKeys upload) {
            try {
                limits.check(upload);
            } catch (ProtocolException e) {
                // here rather than in the frame codec, so that the error names the request
                ctx.writeAndFlush(
                        Frame.ErrorFrame.of(upload.requestId(), e.code(), e.getMessage()));
                return true;
            }
            answer(
                    ctx,
                    device,
                    upload.requestId(),
                    devices.uploadPreKeys(device, upload),
                    done -> new Frame.Ok(upload.requestId()));
        } else if (frame instanceof Frame.GetPreKeyCount count) {
            answer(
                    ctx,
                    device,
                    count.requestId(),
                    devices.preKeyCounts(device),
                    counts ->
                            new Frame.PreKeyCount(
                                    count.requestId(), counts.ecPreKeys(), counts.kyberPreKeys()));
        } else {
            return false;
        }
        return true;
    }

    private <T> void answer(
            ChannelHandlerContext ctx,
            DeviceAddress device,
            String requestId,
            CompletableFuture<T> result,
            Function<T, Frame> toFrame) {
        Failures.answer(ctx, LOG, "prekey request", device, requestId, result, toFrame);
    }
}
