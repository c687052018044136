package dev.cipherline.relay.internal.net;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Registration;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the JSON answers of the HTTP API. */
final class HttpResponses {
    private HttpResponses() {}

    /** Writes a JSON body with {@code status}; closes the connection unless it is kept alive. */
    static void json(
            ChannelHandlerContext ctx,
            FrameCodec codec,
            HttpResponseStatus status,
            Object body,
            boolean keepAlive) {
        write(ctx, response(codec, status, body), keepAlive);
    }

    /** Writes {@code 200} with an {@code application/octet-stream} body. */
    static void bytes(ChannelHandlerContext ctx, byte[] body, boolean keepAlive) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        write(ctx, response, keepAlive);
    }

    /** Writes {@code 405} naming the one method the endpoint allows. */
    static void methodNotAllowed(
            ChannelHandlerContext ctx, FrameCodec codec, HttpMethod allowed, boolean keepAlive) {
        FullHttpResponse response =
                response(
                        codec,
                        HttpResponseStatus.METHOD_NOT_ALLOWED,
                        new Registration.HttpError(
                                ErrorCode.INVALID_REQUEST,
                                "use " + allowed + " for this endpoint"));
        response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
        write(ctx, response, keepAlive);
    }

    private static FullHttpResponse response(
            FrameCodec codec, HttpResponseStatus status, Object body) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        status,
                        Unpooled.wrappedBuffer(codec.encodeJson(body)));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static void write(
            ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Writes a {@code rate-limited} error with {@code retryAfterMs} in the body and a {@code
     * Retry-After} header (whole seconds, rounded up).
     */
    static void rateLimited(
            ChannelHandlerContext ctx,
            FrameCodec codec,
            HttpResponseStatus status,
            String message,
            long retryAfterMillis,
            boolean keepAlive) {
        retryLater(
                ctx, codec, status, ErrorCode.RATE_LIMITED, message, retryAfterMillis, keepAlive);
    }

    /**
     * Writes an error body like {@link Registration.HttpError} plus {@code retryAfterMs}, and a
     * {@code Retry-After} header (whole seconds, rounded up).
     */
    static void retryLater(
            ChannelHandlerContext ctx,
            FrameCodec codec,
            HttpResponseStatus status,
            ErrorCode code,
            String message,
            long retryAfterMillis,
            boolean keepAlive) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("retryAfterMs", retryAfterMillis);
        FullHttpResponse response = response(codec, status, body);
        response.headers()
                .set(HttpHeaderNames.RETRY_AFTER, Long.toString((retryAfterMillis + 999) / 1000));
        write(ctx, response, keepAlive);
    }

    /** Writes an {@link Registration.HttpError} body. */
    static void error(
            ChannelHandlerContext ctx,
            FrameCodec codec,
            HttpResponseStatus status,
            ErrorCode code,
            String message,
            boolean keepAlive) {
        json(ctx, codec, status, new Registration.HttpError(code, message), keepAlive);
    }
}
