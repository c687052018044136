package dev.cipherline.relay.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.protocol.AccountIds;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceInfo;
import dev.cipherline.relay.internal.store.Invite;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener's HTTP API. Without a token: {@code GET /metrics} (Prometheus text), {@code
 * GET /healthz} (the process answers) and {@code GET /readyz} (the store committed a write within 5
 * seconds and the bus is connected). With {@code Authorization: Bearer TOKEN} (the data directory's
 * {@code admin.token}): {@code GET /v1/admin/status}, {@code GET /v1/admin/invites}, {@code POST
 * /v1/admin/invites}, {@code DELETE /v1/admin/invites/ID}, {@code GET
 * /v1/admin/accounts/ACCOUNT/devices} and {@code DELETE /v1/admin/accounts/ACCOUNT/devices[/ID]}.
 * Answers are JSON; an error is {@code {"error": "...", "message": "..."}}. Every connection is
 * closed after its answer.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(AdminHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INVITES = "/v1/admin/invites";
    private static final String ACCOUNTS = "/v1/admin/accounts/";
    private static final long READY_TIMEOUT_SECONDS = 5;

    private final AdminServices services;

    /** A handler answering from {@code services}. */
    public AdminHandler(AdminServices services) {
        this.services = services;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", "malformed HTTP request");
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(request.uri()).path();
        } catch (IllegalArgumentException e) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", "malformed request URI");
            return;
        }
        HttpMethod method = request.method();
        switch (path) {
            case "/metrics" -> {
                if (get(ctx, method)) {
                    metrics(ctx);
                }
            }
            case "/healthz" -> {
                if (get(ctx, method)) {
                    json(ctx, HttpResponseStatus.OK, Map.of("status", "ok"));
                }
            }
            case "/readyz" -> {
                if (get(ctx, method)) {
                    ready(ctx);
                }
            }
            default -> {
                if (!path.startsWith("/v1/admin/")) {
                    error(ctx, HttpResponseStatus.NOT_FOUND, "not-found", "no such endpoint");
                } else if (!services.token().matches(bearer(request))) {
                    error(
                            ctx,
                            HttpResponseStatus.UNAUTHORIZED,
                            "unauthorized",
                            "the admin API needs Authorization: Bearer with the relay's admin"
                                    + " token");
                } else {
                    admin(ctx, method, path, request);
                }
            }
        }
    }

    private void admin(
            ChannelHandlerContext ctx, HttpMethod method, String path, FullHttpRequest request) {
        if (path.equals("/v1/admin/status") && get(ctx, method)) {
            status(ctx);
        } else if (path.equals(INVITES)) {
            if (method.equals(HttpMethod.GET)) {
                listInvites(ctx);
            } else if (method.equals(HttpMethod.POST)) {
                createInvite(ctx, request);
            } else {
                error(
                        ctx,
                        HttpResponseStatus.METHOD_NOT_ALLOWED,
                        "method-not-allowed",
                        "GET, POST");
            }
        } else if (path.startsWith(INVITES + "/")) {
            if (method.equals(HttpMethod.DELETE)) {
                revokeInvite(ctx, path.substring(INVITES.length() + 1));
            } else {
                error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "DELETE");
            }
        } else if (path.startsWith(ACCOUNTS)) {
            devices(ctx, method, path.substring(ACCOUNTS.length()).split("/", -1));
        } else if (!path.equals("/v1/admin/status")) {
            error(ctx, HttpResponseStatus.NOT_FOUND, "not-found", "no such endpoint");
        }
    }

    private void metrics(ChannelHandlerContext ctx) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.buffer());
        try (ByteBufOutputStream out = new ByteBufOutputStream(response.content())) {
            services.metrics().write(out);
        } catch (IOException | RuntimeException e) {
            response.release();
            LOG.log(Level.WARNING, "writing the metrics failed: " + e);
            error(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal-error", "see the log");
            return;
        }
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, RelayMetrics.CONTENT_TYPE);
        send(ctx, response);
    }

    private void ready(ChannelHandlerContext ctx) {
        boolean bus = services.bus().connected();
        services.store()
                .probe()
                .orTimeout(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .whenCompleteAsync(
                        (done, error) -> {
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("store", error == null ? "ok" : "failing");
                            body.put("bus", bus ? "ok" : "disconnected");
                            boolean ready = error == null && bus;
                            body.put("status", ready ? "ready" : "not-ready");
                            json(
                                    ctx,
                                    ready
                                            ? HttpResponseStatus.OK
                                            : HttpResponseStatus.SERVICE_UNAVAILABLE,
                                    body);
                        },
                        ctx.executor());
    }

    private void status(ChannelHandlerContext ctx) {
        services.store()
                .queueTotals()
                .whenCompleteAsync(
                        (totals, error) -> {
                            if (error != null) {
                                storeFailed(ctx, error);
                                return;
                            }
                            long now = services.clock().millis();
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("uptimeSeconds", (now - services.startedAt()) / 1000);
                            body.put("connections", services.connections().getAsInt());
                            body.put("queueEntries", totals.entries());
                            body.put("queueBytes", totals.bytes());
                            body.put("registration", services.registration().get());
                            json(ctx, HttpResponseStatus.OK, body);
                        },
                        ctx.executor());
    }

    private void listInvites(ChannelHandlerContext ctx) {
        services.store()
                .invites()
                .whenCompleteAsync(
                        (invites, error) -> {
                            if (error != null) {
                                storeFailed(ctx, error);
                                return;
                            }
                            long now = services.clock().millis();
                            List<Map<String, Object>> list = new ArrayList<>();
                            for (Invite i : invites) {
                                list.add(describe(i, now));
                            }
                            json(ctx, HttpResponseStatus.OK, Map.of("invites", list));
                        },
                        ctx.executor());
    }

    private void createInvite(ChannelHandlerContext ctx, FullHttpRequest request) {
        int uses;
        long expiresIn;
        try {
            JsonNode body =
                    JSON.readTree(
                            request.content().toString(java.nio.charset.StandardCharsets.UTF_8));
            JsonNode u = body == null ? null : body.get("uses");
            JsonNode e = body == null ? null : body.get("expiresInSeconds");
            if (u == null
                    || !u.canConvertToInt()
                    || !u.isIntegralNumber()
                    || e == null
                    || !e.isIntegralNumber()
                    || !e.canConvertToLong()) {
                throw new IllegalArgumentException(
                        "the body must be {\"uses\": N, \"expiresInSeconds\": S} with whole"
                                + " numbers");
            }
            uses = u.intValue();
            expiresIn = e.longValue();
        } catch (IOException | IllegalArgumentException e) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", message(e));
            return;
        }
        CompletableFuture<Invites.Created> created;
        try {
            created = services.invites().create(uses, Duration.ofSeconds(expiresIn));
        } catch (IllegalArgumentException e) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", e.getMessage());
            return;
        }
        created.whenCompleteAsync(
                (c, error) -> {
                    if (error != null) {
                        storeFailed(ctx, error);
                        return;
                    }
                    LOG.log(
                            Level.INFO,
                            "invite " + c.invite().id() + " created with " + uses + " uses");
                    Map<String, Object> body = describe(c.invite(), services.clock().millis());
                    body.put("token", c.token());
                    json(ctx, HttpResponseStatus.CREATED, body);
                },
                ctx.executor());
    }

    private void revokeInvite(ChannelHandlerContext ctx, String id) {
        if (!id.matches("[0-9a-f]{16}")) {
            error(ctx, HttpResponseStatus.NOT_FOUND, "not-found", "no invite has this ID");
            return;
        }
        services.store()
                .revokeInvite(id)
                .whenCompleteAsync(
                        (existed, error) -> {
                            if (error != null) {
                                storeFailed(ctx, error);
                            } else if (!existed) {
                                error(
                                        ctx,
                                        HttpResponseStatus.NOT_FOUND,
                                        "not-found",
                                        "no invite has this ID");
                            } else {
                                LOG.log(Level.INFO, "invite " + id + " revoked");
                                json(ctx, HttpResponseStatus.OK, Map.of("revoked", id));
                            }
                        },
                        ctx.executor());
    }

    /** {@code ACCOUNT/devices} (GET, DELETE) or {@code ACCOUNT/devices/ID} (DELETE). */
    private void devices(ChannelHandlerContext ctx, HttpMethod method, String[] parts) {
        if (parts.length < 2 || parts.length > 3 || !parts[1].equals("devices")) {
            error(ctx, HttpResponseStatus.NOT_FOUND, "not-found", "no such endpoint");
            return;
        }
        String account = parts[0];
        if (!AccountIds.isValid(account)) {
            error(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", "not an account ID");
            return;
        }
        Integer device = null;
        if (parts.length == 3) {
            try {
                device = Integer.valueOf(parts[2]);
            } catch (NumberFormatException e) {
                device = -1;
            }
            if (device < 1 || device > 127) {
                error(ctx, HttpResponseStatus.BAD_REQUEST, "bad-request", "a device ID is 1..127");
                return;
            }
        }
        if (method.equals(HttpMethod.GET) && device == null) {
            listDevices(ctx, account);
        } else if (method.equals(HttpMethod.DELETE)) {
            revokeDevices(ctx, account, device);
        } else {
            error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "GET, DELETE");
        }
    }

    private void listDevices(ChannelHandlerContext ctx, String account) {
        services.store()
                .devices(account)
                .whenCompleteAsync(
                        (devices, error) -> {
                            if (error != null) {
                                storeFailed(ctx, error);
                                return;
                            }
                            List<Map<String, Object>> list = new ArrayList<>();
                            for (DeviceInfo d : devices) {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("deviceId", d.deviceId());
                                m.put("registeredAt", d.registeredAt());
                                m.put("lastSeen", d.lastSeen());
                                m.put("queued", d.queued());
                                list.add(m);
                            }
                            json(
                                    ctx,
                                    HttpResponseStatus.OK,
                                    Map.of("accountId", account, "devices", list));
                        },
                        ctx.executor());
    }

    private void revokeDevices(ChannelHandlerContext ctx, String account, Integer device) {
        services.store()
                .revokeDevices(account, device)
                .whenCompleteAsync(
                        (revoked, error) -> {
                            if (error != null) {
                                storeFailed(ctx, error);
                                return;
                            }
                            if (revoked.isEmpty()) {
                                error(
                                        ctx,
                                        HttpResponseStatus.NOT_FOUND,
                                        "not-found",
                                        "no such device is registered");
                                return;
                            }
                            for (int id : revoked) {
                                services.bus().disconnect(new DeviceAddress(account, id));
                            }
                            LOG.log(Level.INFO, "revoked devices " + revoked + " of " + account);
                            json(
                                    ctx,
                                    HttpResponseStatus.OK,
                                    Map.of("accountId", account, "revoked", revoked));
                        },
                        ctx.executor());
    }

    private static Map<String, Object> describe(Invite i, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("uses", i.uses());
        m.put("usesLeft", i.usesLeft());
        m.put("createdAt", i.createdAt());
        m.put("expiresAt", i.expiresAt());
        m.put("expired", i.expiresAt() <= now);
        return m;
    }

    private static String bearer(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    private static boolean get(ChannelHandlerContext ctx, HttpMethod method) {
        if (method.equals(HttpMethod.GET)) {
            return true;
        }
        error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "GET only");
        return false;
    }

    private static void storeFailed(ChannelHandlerContext ctx, Throwable error) {
        LOG.log(Level.WARNING, "an admin request failed in the store: " + error);
        error(
                ctx,
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "the relay's store did not answer; try again");
    }

    private static String message(Exception e) {
        return e instanceof IllegalArgumentException
                ? e.getMessage()
                : "the body is not JSON: {\"uses\": N, \"expiresInSeconds\": S}";
    }

    private static void error(
            ChannelHandlerContext ctx, HttpResponseStatus status, String code, String message) {
        json(ctx, status, Map.of("error", code, "message", message));
    }

    private static void json(ChannelHandlerContext ctx, HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("maps of strings and numbers always serialize", e);
        }
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        send(ctx, response);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "admin connection failed: " + cause);
        ctx.close();
    }
}
