package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.relay.internal.keys.Ed25519Verifier;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceStore;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * Challenge-response authentication of a WebSocket connection. When the handshake completes it
 * sends a {@code challenge} with 32 fresh random bytes, and expects an {@code auth} signed by the
 * device's Ed25519 auth key over {@link SignedPayloads#auth}; the {@link PreAuthDeadlineHandler}
 * closes the connection (4002) when that takes too long, counted from TCP accept. A bad signature
 * or an unknown device gets {@code error{auth-failed}} and close 4001. On success it answers {@code
 * auth-ok}, fires {@link Authenticated} and leaves the pipeline with the deadline handler; before
 * that, every other frame is answered {@code error{auth-required}}.
 */
public final class AuthHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(AuthHandler.class.getName());

    private enum State {
        WAITING_FOR_HANDSHAKE,
        CHALLENGED,
        VERIFYING,
        DONE
    }

    private final DeviceStore devices;
    private final Clock clock;
    private final SecureRandom random;
    private final RelayMetrics metrics;

    private State state = State.WAITING_FOR_HANDSHAKE;
    private byte[] nonce;

    /** A handler checking auth keys in {@code devices}, drawing nonces from {@code random}. */
    public AuthHandler(DeviceStore devices, Clock clock, SecureRandom random) {
        this(devices, clock, random, new RelayMetrics());
    }

    /** As the other constructor, counting every authentication's result in {@code metrics}. */
    public AuthHandler(
            DeviceStore devices, Clock clock, SecureRandom random, RelayMetrics metrics) {
        this.devices = devices;
        this.clock = clock;
        this.random = random;
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete
                && state == State.WAITING_FOR_HANDSHAKE) {
            ctx.channel().attr(Channels.WEBSOCKET).set(true);
            nonce = new byte[32];
            random.nextBytes(nonce);
            state = State.CHALLENGED;
            ctx.writeAndFlush(
                    new Frame.Challenge(ProtocolVersion.SUPPORTED, nonce.clone(), clock.millis()));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof Frame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (frame instanceof Frame.Auth auth && state == State.CHALLENGED) {
            authenticate(ctx, auth);
        } else if (frame instanceof Frame.Auth) {
            ctx.writeAndFlush(
                    Frame.ErrorFrame.of(
                            null, ErrorCode.INVALID_REQUEST, "authentication is in progress"));
        } else {
            ctx.writeAndFlush(
                    Frame.ErrorFrame.of(
                            Channels.ref(frame),
                            ErrorCode.AUTH_REQUIRED,
                            "authenticate before sending '" + Channels.typeName(frame) + "'"));
        }
    }

    private void authenticate(ChannelHandlerContext ctx, Frame.Auth auth) {
        if (!ProtocolVersion.SUPPORTED.contains(auth.version())) {
            metrics.authentication("unsupported-version");
            ctx.write(
                    Frame.ErrorFrame.of(
                            null,
                            ErrorCode.UNSUPPORTED_VERSION,
                            "this relay speaks protocol versions " + ProtocolVersion.SUPPORTED));
            Channels.close(ctx.channel(), CloseCodes.UNSUPPORTED_VERSION, "unsupported version");
            return;
        }
        state = State.VERIFYING;
        DeviceAddress device = new DeviceAddress(auth.accountId(), auth.deviceId());
        devices.authKey(device)
                .whenCompleteAsync(
                        (key, error) -> verified(ctx, device, auth, key, error), ctx.executor());
    }

    private void verified(
            ChannelHandlerContext ctx,
            DeviceAddress device,
            Frame.Auth auth,
            Optional<byte[]> key,
            Throwable error) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (error != null) {
            LOG.log(Level.WARNING, "auth key lookup for " + device + " failed: " + error);
            metrics.authentication("error");
            ctx.write(
                    Failures.isUnavailable(error)
                            ? Failures.unavailable(null)
                            : Frame.ErrorFrame.of(
                                    null,
                                    ErrorCode.INTERNAL_ERROR,
                                    "the relay could not check the device"));
            Channels.close(ctx.channel(), CloseCodes.INTERNAL_ERROR, "internal error");
            return;
        }
        byte[] payload = SignedPayloads.auth(nonce, auth.accountId(), auth.deviceId());
        if (key.isEmpty() || !Ed25519Verifier.verify(key.get(), payload, auth.signature())) {
            LOG.log(Level.DEBUG, "authentication as " + device + " refused");
            metrics.authentication("failed");
            ctx.write(
                    Frame.ErrorFrame.of(
                            null,
                            ErrorCode.AUTH_FAILED,
                            "unknown device or the signature does not verify"));
            Channels.close(ctx.channel(), CloseCodes.AUTH_FAILED, "authentication failed");
            return;
        }
        state = State.DONE;
        metrics.authentication("ok");
        ctx.writeAndFlush(new Frame.AuthOk(auth.accountId(), auth.deviceId(), clock.millis()));
        if (ctx.pipeline().get(PreAuthDeadlineHandler.NAME) != null) {
            ctx.pipeline().remove(PreAuthDeadlineHandler.NAME);
        }
        ctx.fireUserEventTriggered(new Authenticated(device));
        ctx.pipeline().remove(this);
    }
}
