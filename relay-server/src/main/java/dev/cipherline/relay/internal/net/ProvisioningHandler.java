package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.store.ProvisioningStore;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The provisioning mailboxes, unauthenticated because the device being linked has no account yet:
 * {@code POST /v1/provisioning} opens one, {@code PUT /v1/provisioning/{id}} stores its one
 * payload, {@code GET /v1/provisioning/{id}} hands the payload out once. Every other request goes
 * on to the HTTP API. The payload is a device-link ciphertext the relay cannot read; whoever knows
 * a mailbox's ID may put into it, and the AEAD, keyed by the new device's ephemeral keys, is what
 * makes a forged payload useless (docs/PROTOCOL.md, "Linking a device"; SECURITY.md).
 */
public final class ProvisioningHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(ProvisioningHandler.class.getName());

    /** The path of the collection; a mailbox is {@code PATH + "/" + id}. */
    public static final String PATH = "/v1/provisioning";

    /** How long a mailbox lives after it was opened. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);

    /** The largest payload a mailbox takes. */
    public static final int MAX_PAYLOAD = 64 * 1024;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

    private final FrameCodec codec;
    private final ProvisioningStore store;
    private final Clock clock;
    private final SecureRandom random;

    /** Mailboxes kept in {@code store}, expiring by {@code clock}, named from {@code random}. */
    public ProvisioningHandler(
            FrameCodec codec, ProvisioningStore store, Clock clock, SecureRandom random) {
        super(false);
        this.codec = codec;
        this.store = store;
        this.clock = clock;
        this.random = random;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = HttpApiHandler.path(request);
        if (path == null || !(path.equals(PATH) || path.startsWith(PATH + "/"))) {
            ctx.fireChannelRead(request);
            return;
        }
        try {
            route(ctx, request, path);
        } finally {
            ReferenceCountUtil.release(request);
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (path.equals(PATH)) {
            if (!request.method().equals(HttpMethod.POST)) {
                HttpResponses.methodNotAllowed(ctx, codec, HttpMethod.POST, keepAlive);
                return;
            }
            open(ctx, keepAlive);
            return;
        }
        String id = path.substring(PATH.length() + 1);
        if (!ID.matcher(id).matches()) {
            error(
                    ctx,
                    HttpResponseStatus.NOT_FOUND,
                    ErrorCode.PROVISIONING_EXPIRED,
                    "not a provisioning mailbox ID",
                    keepAlive);
        } else if (request.method().equals(HttpMethod.PUT)) {
            put(ctx, id, ByteBufUtil.getBytes(request.content()), keepAlive);
        } else if (request.method().equals(HttpMethod.GET)) {
            take(ctx, id, keepAlive);
        } else {
            HttpResponses.methodNotAllowed(ctx, codec, HttpMethod.GET, keepAlive);
        }
    }

    private void open(ChannelHandlerContext ctx, boolean keepAlive) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = clock.millis();
        long expiresAt = now + LIFETIME.toMillis();
        answer(
                ctx,
                store.openMailbox(id, now, expiresAt),
                keepAlive,
                done -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("mailboxId", id);
                    body.put("expiresAt", expiresAt);
                    HttpResponses.json(ctx, codec, HttpResponseStatus.CREATED, body, keepAlive);
                });
    }

    private void put(ChannelHandlerContext ctx, String id, byte[] payload, boolean keepAlive) {
        if (payload.length == 0 || payload.length > MAX_PAYLOAD) {
            error(
                    ctx,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    ErrorCode.FRAME_TOO_LARGE,
                    "a provisioning payload is 1.." + MAX_PAYLOAD + " bytes",
                    keepAlive);
            return;
        }
        answer(
                ctx,
                store.putMailbox(id, payload, clock.millis()),
                keepAlive,
                state -> {
                    switch (state) {
                        case DONE ->
                                HttpResponses.json(
                                        ctx,
                                        codec,
                                        HttpResponseStatus.OK,
                                        Map.of("mailboxId", id),
                                        keepAlive);
                        case USED ->
                                error(
                                        ctx,
                                        HttpResponseStatus.CONFLICT,
                                        ErrorCode.PROVISIONING_USED,
                                        "the mailbox already holds a payload",
                                        keepAlive);
                        default -> expired(ctx, keepAlive);
                    }
                });
    }

    private void take(ChannelHandlerContext ctx, String id, boolean keepAlive) {
        answer(
                ctx,
                store.takeMailbox(id, clock.millis()),
                keepAlive,
                taken -> {
                    switch (taken.state()) {
                        case DONE -> HttpResponses.bytes(ctx, taken.payload(), keepAlive);
                        case PENDING ->
                                error(
                                        ctx,
                                        HttpResponseStatus.NOT_FOUND,
                                        ErrorCode.PROVISIONING_PENDING,
                                        "the mailbox holds no payload yet",
                                        keepAlive);
                        case USED ->
                                error(
                                        ctx,
                                        HttpResponseStatus.GONE,
                                        ErrorCode.PROVISIONING_USED,
                                        "the mailbox's payload was already read",
                                        keepAlive);
                        default -> expired(ctx, keepAlive);
                    }
                });
    }

    private void expired(ChannelHandlerContext ctx, boolean keepAlive) {
        error(
                ctx,
                HttpResponseStatus.GONE,
                ErrorCode.PROVISIONING_EXPIRED,
                "the mailbox has expired, or never existed",
                keepAlive);
    }

    private void error(
            ChannelHandlerContext ctx,
            HttpResponseStatus status,
            ErrorCode code,
            String message,
            boolean keepAlive) {
        HttpResponses.error(ctx, codec, status, code, message, keepAlive);
    }

    private <T> void answer(
            ChannelHandlerContext ctx,
            CompletableFuture<T> result,
            boolean keepAlive,
            Consumer<T> onSuccess) {
        result.whenCompleteAsync(
                (value, failure) -> {
                    if (failure == null) {
                        onSuccess.accept(value);
                    } else if (Failures.isShutdown(failure)) {
                        error(
                                ctx,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                ErrorCode.SHUTTING_DOWN,
                                "the relay is shutting down",
                                false);
                    } else if (Failures.isUnavailable(failure)) {
                        HttpResponses.retryLater(
                                ctx,
                                codec,
                                HttpResponseStatus.SERVICE_UNAVAILABLE,
                                ErrorCode.UNAVAILABLE,
                                Failures.UNAVAILABLE_MESSAGE,
                                Failures.UNAVAILABLE_RETRY_AFTER_MS,
                                keepAlive);
                    } else {
                        LOG.log(
                                Level.ERROR,
                                "a provisioning request failed",
                                Failures.unwrap(failure));
                        error(
                                ctx,
                                HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                ErrorCode.INTERNAL_ERROR,
                                "the relay could not answer",
                                keepAlive);
                    }
                },
                ctx.executor());
    }
}
