package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.Registration;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RegistrationPolicy;
import dev.cipherline.relay.internal.admin.Invites;
import dev.cipherline.relay.internal.keys.XEdDsaVerifier;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.AdminStore;
import dev.cipherline.relay.internal.store.DeviceListRefusedException;
import dev.cipherline.relay.internal.store.DeviceStore;
import dev.cipherline.relay.internal.store.InviteOutcome;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The HTTP API: {@code POST /v1/devices} (registration) and {@code GET /v1/health}. Every answer is
 * JSON; errors are {@link Registration.HttpError}. Requests for the WebSocket path never get here:
 * the WebSocket handler before this one takes them.
 */
public final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(HttpApiHandler.class.getName());

    private final FrameCodec codec;
    private final DeviceStore devices;
    private final AdminStore invites;
    private final RelayMetrics metrics;
    private final Supplier<RegistrationPolicy> policy;
    private final Clock clock;
    private final int maxDevices;

    /** A handler registering anyone's devices into {@code devices}. */
    public HttpApiHandler(FrameCodec codec, DeviceStore devices) {
        this(
                codec,
                devices,
                null,
                new RelayMetrics(),
                () -> RegistrationPolicy.OPEN,
                Clock.systemUTC());
    }

    /**
     * A handler registering devices into {@code devices} as {@code policy} (read at every
     * registration, so a reload applies to the next one) allows.
     *
     * @param invites where invites are checked and used; may be null only if the policy is never
     *     {@link RegistrationPolicy#INVITE}
     */
    public HttpApiHandler(
            FrameCodec codec,
            DeviceStore devices,
            AdminStore invites,
            RelayMetrics metrics,
            Supplier<RegistrationPolicy> policy,
            Clock clock) {
        this(codec, devices, invites, metrics, policy, clock, Operations.DEFAULT_MAX_DEVICES);
    }

    /**
     * As the other constructor, refusing a new device of an account that has {@code maxDevices}
     * already (checked only when {@code invites}, which lists an account's devices, is given).
     */
    public HttpApiHandler(
            FrameCodec codec,
            DeviceStore devices,
            AdminStore invites,
            RelayMetrics metrics,
            Supplier<RegistrationPolicy> policy,
            Clock clock,
            int maxDevices) {
        this.maxDevices = maxDevices;
        this.clock = clock;
        this.codec = codec;
        this.devices = devices;
        this.invites = invites;
        this.metrics = metrics;
        this.policy = policy;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = path(request);
        if (path == null) {
            HttpResponses.error(
                    ctx,
                    codec,
                    HttpResponseStatus.BAD_REQUEST,
                    ErrorCode.MALFORMED_FRAME,
                    "the request does not parse as HTTP",
                    false);
            return;
        }
        switch (path) {
            case "/v1/health" -> {
                if (allowed(ctx, request, HttpMethod.GET, keepAlive)) {
                    HttpResponses.json(
                            ctx, codec, HttpResponseStatus.OK, Map.of("status", "ok"), keepAlive);
                }
            }
            case "/v1/devices" -> {
                if (allowed(ctx, request, HttpMethod.POST, keepAlive)) {
                    register(ctx, ByteBufUtil.getBytes(request.content()), keepAlive);
                }
            }
            default ->
                    HttpResponses.error(
                            ctx,
                            codec,
                            HttpResponseStatus.NOT_FOUND,
                            ErrorCode.NOT_FOUND,
                            "no such endpoint: " + path,
                            keepAlive);
        }
    }

    /**
     * The decoded path of a request, or null when the request head did not parse or its URI has a
     * bad percent-escape (found by fuzzing: Netty's decoder throws on those).
     */
    static String path(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return null;
        }
        try {
            return new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean allowed(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            HttpMethod method,
            boolean keepAlive) {
        if (request.method().equals(method)) {
            return true;
        }
        HttpResponses.methodNotAllowed(ctx, codec, method, keepAlive);
        return false;
    }

    private void register(ChannelHandlerContext ctx, byte[] body, boolean keepAlive) {
        Registration registration;
        try {
            registration = codec.decodeJson(body, Registration.class);
        } catch (ProtocolException e) {
            HttpResponseStatus status =
                    e.code() == ErrorCode.FRAME_TOO_LARGE
                            ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                            : HttpResponseStatus.BAD_REQUEST;
            HttpResponses.error(
                    ctx,
                    codec,
                    status,
                    e.code(),
                    FrameCodecHandler.printable(e.getMessage()),
                    keepAlive);
            return;
        }
        String refusal = refusal(registration);
        if (refusal != null) {
            metrics.registration(ErrorCode.INVALID_REQUEST.code());
            HttpResponses.error(
                    ctx,
                    codec,
                    HttpResponseStatus.BAD_REQUEST,
                    ErrorCode.INVALID_REQUEST,
                    refusal,
                    keepAlive);
            return;
        }
        if (invites == null) {
            store(ctx, registration, keepAlive);
            return;
        }
        // a reinstall of a device the account has is never refused; a new device past the limit
        // is. Checked before storing: two registrations racing may pass it together, by one.
        invites.devices(registration.accountId())
                .whenCompleteAsync(
                        (list, error) -> {
                            if (error == null
                                    && list.size() >= maxDevices
                                    && list.stream()
                                            .noneMatch(
                                                    d -> d.deviceId() == registration.deviceId())) {
                                refuse(
                                        ctx,
                                        ErrorCode.TOO_MANY_DEVICES,
                                        "the account has "
                                                + list.size()
                                                + " devices, the most this relay allows; remove"
                                                + " one first",
                                        keepAlive);
                            } else {
                                // a failed read is met again, and answered, by the write
                                store(ctx, registration, keepAlive);
                            }
                        },
                        ctx.executor());
    }

    private void store(ChannelHandlerContext ctx, Registration registration, boolean keepAlive) {
        RegistrationPolicy now = policy.get();
        CompletableFuture<InviteOutcome> stored;
        switch (now) {
            case CLOSED -> {
                refuse(
                        ctx,
                        ErrorCode.REGISTRATION_CLOSED,
                        "this relay admits no new registrations",
                        keepAlive);
                return;
            }
            case INVITE -> {
                if (registration.invite() == null) {
                    refuse(
                            ctx,
                            ErrorCode.INVITE_INVALID,
                            "this relay admits registrations with an invite only; ask its"
                                    + " operator for one",
                            keepAlive);
                    return;
                }
                stored =
                        invites.registerWithInvite(
                                registration, Invites.hash(registration.invite()), clock.millis());
            }
            default ->
                    stored =
                            devices.register(registration)
                                    .thenApply(done -> InviteOutcome.REGISTERED);
        }
        stored.whenCompleteAsync(
                (outcome, error) -> {
                    if (error == null && outcome == InviteOutcome.INVALID) {
                        refuse(
                                ctx,
                                ErrorCode.INVITE_INVALID,
                                "the invite is not valid on this relay (mistyped, or revoked)",
                                keepAlive);
                    } else if (error == null && outcome == InviteOutcome.USED) {
                        refuse(
                                ctx,
                                ErrorCode.INVITE_USED,
                                "the invite has been used up",
                                keepAlive);
                    } else if (error == null && outcome == InviteOutcome.EXPIRED) {
                        refuse(ctx, ErrorCode.INVITE_EXPIRED, "the invite has expired", keepAlive);
                    } else if (Failures.unwrap(error) instanceof DeviceListRefusedException e) {
                        metrics.registration(ErrorCode.INVALID_REQUEST.code());
                        HttpResponses.error(
                                ctx,
                                codec,
                                HttpResponseStatus.BAD_REQUEST,
                                ErrorCode.INVALID_REQUEST,
                                e.getMessage(),
                                keepAlive);
                    } else if (error == null) {
                        metrics.registration("ok");
                        LOG.log(
                                Level.INFO,
                                "registered device "
                                        + registration.accountId()
                                        + "."
                                        + registration.deviceId());
                        HttpResponses.json(
                                ctx,
                                codec,
                                HttpResponseStatus.CREATED,
                                new Registration.Result(
                                        registration.accountId(), registration.deviceId()),
                                keepAlive);
                    } else if (Failures.isShutdown(error)) {
                        metrics.registration(ErrorCode.SHUTTING_DOWN.code());
                        HttpResponses.error(
                                ctx,
                                codec,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                ErrorCode.SHUTTING_DOWN,
                                "the relay is shutting down",
                                false);
                    } else if (Failures.isUnavailable(error)) {
                        metrics.registration(ErrorCode.UNAVAILABLE.code());
                        LOG.log(
                                Level.WARNING,
                                "registering "
                                        + registration.accountId()
                                        + " failed: "
                                        + Failures.UNAVAILABLE_MESSAGE);
                        HttpResponses.retryLater(
                                ctx,
                                codec,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                ErrorCode.UNAVAILABLE,
                                Failures.UNAVAILABLE_MESSAGE,
                                Failures.UNAVAILABLE_RETRY_AFTER_MS,
                                keepAlive);
                    } else {
                        metrics.registration(ErrorCode.INTERNAL_ERROR.code());
                        LOG.log(
                                Level.ERROR,
                                "registering " + registration.accountId() + " failed",
                                Failures.unwrap(error));
                        HttpResponses.error(
                                ctx,
                                codec,
                                HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                ErrorCode.INTERNAL_ERROR,
                                "the relay could not store the registration",
                                keepAlive);
                    }
                },
                ctx.executor());
    }

    /** Answers 403 with {@code code}: the registration policy refused the registration. */
    private void refuse(
            ChannelHandlerContext ctx, ErrorCode code, String message, boolean keepAlive) {
        metrics.registration(code.code());
        HttpResponses.error(ctx, codec, HttpResponseStatus.FORBIDDEN, code, message, keepAlive);
    }

    /** Why a well-formed registration is refused, or null if it is valid. */
    static String refusal(Registration r) {
        if (!AccountIds.derive(r.identityKey()).equals(r.accountId())) {
            return "accountId is not derived from identityKey";
        }
        byte[] payload =
                SignedPayloads.registration(
                        r.accountId(), r.deviceId(), r.registrationId(), r.authKey());
        if (!XEdDsaVerifier.verify(r.identityKey(), payload, r.signature())) {
            return "the registration signature does not verify with identityKey";
        }
        if (r.deviceList() != null) {
            return DeviceLists.refusal(r.deviceList(), r.accountId(), r.identityKey());
        }
        return null;
    }
}
