package dev.cipherline.relay.internal.net;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.protocol.Limits;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.internal.delivery.LocalDeliveryBus;
import dev.cipherline.relay.internal.limits.RateLimiter;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.store.StoreUnavailableException;
import dev.cipherline.relay.internal.store.sqlite.StoreFixture;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A store that cannot be reached (MongoDB down) is answered {@code unavailable} with a retry hint,
 * on the WebSocket and over HTTP, and the connection stays usable.
 */
class UnreachableStoreTest {
    private static final FrameCodec CODEC = new FrameCodec(new Limits(512 * 1024, 100, 3, 200));

    private final MutableClock clock = StoreFixture.clock();

    /** A store every call of which fails as an unreachable database does. */
    private static RelayStore unreachable() {
        return (RelayStore)
                Proxy.newProxyInstance(
                        RelayStore.class.getClassLoader(),
                        new Class<?>[] {RelayStore.class},
                        (proxy, method, args) ->
                                method.getReturnType() == CompletableFuture.class
                                        ? CompletableFuture.failedFuture(
                                                new StoreUnavailableException(
                                                        new ConnectException("refused")))
                                        : null);
    }

    private EmbeddedChannel session() {
        SessionServices services =
                new SessionServices(
                        unreachable(),
                        new LocalDeliveryBus(),
                        new RateLimiter(1000, Duration.ofSeconds(1), clock, 100),
                        CODEC,
                        clock,
                        Duration.ofDays(1),
                        Duration.ofSeconds(30),
                        8);
        EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(services));
        channel.attr(Channels.WEBSOCKET).set(true);
        channel.pipeline().fireUserEventTriggered(new Authenticated(ALICE_1.address()));
        channel.runPendingTasks();
        drainOutbound(channel);
        return channel;
    }

    private static Frame.ErrorFrame lastError(EmbeddedChannel channel) {
        channel.runPendingTasks();
        Object last = null;
        Object next;
        while ((next = channel.readOutbound()) != null) {
            last = next;
        }
        return assertInstanceOf(Frame.ErrorFrame.class, last);
    }

    private static void drainOutbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        while (channel.readOutbound() != null) {
            // the sync marker of the (failing) queue read, if any
        }
    }

    @Test
    void aSendTheStoreCannotTakeIsAnsweredUnavailableWithARetryHint() {
        EmbeddedChannel alice = session();
        alice.writeInbound(
                new Frame.Send(
                        "m1",
                        Kind.MESSAGE,
                        clock.millis() + 60_000,
                        null,
                        List.of(
                                new Frame.Recipient(
                                        BOB_1.accountId(), 1, 2001, new byte[] {1, 2, 3}))));
        Frame.ErrorFrame error = lastError(alice);
        assertEquals("m1", error.ref());
        assertEquals(ErrorCode.UNAVAILABLE, error.code());
        assertEquals(1000L, error.retryAfterMs());
        assertTrue(error.code().retryable());
    }

    @Test
    void aBundleRequestTheStoreCannotAnswerIsUnavailable() {
        EmbeddedChannel alice = session();
        alice.writeInbound(new Frame.GetBundles("r1", BOB_1.accountId()));
        Frame.ErrorFrame error = lastError(alice);
        assertEquals("r1", error.ref());
        assertEquals(ErrorCode.UNAVAILABLE, error.code());
        assertEquals(1000L, error.retryAfterMs());
    }

    @Test
    void aRegistrationTheStoreCannotTakeIs503WithRetryAfter() {
        EmbeddedChannel http = new EmbeddedChannel(new HttpApiHandler(CODEC, unreachable()));
        http.writeInbound(
                new DefaultFullHttpRequest(
                        HttpVersion.HTTP_1_1,
                        HttpMethod.POST,
                        "/v1/devices",
                        Unpooled.wrappedBuffer(CODEC.encodeJson(ALICE_1.registration(1)))));
        http.runPendingTasks();
        FullHttpResponse response = assertInstanceOf(FullHttpResponse.class, http.readOutbound());
        try {
            assertEquals(503, response.status().code());
            assertEquals("1", response.headers().get(HttpHeaderNames.RETRY_AFTER));
            String body = response.content().toString(StandardCharsets.UTF_8);
            assertTrue(body.contains("\"code\":\"unavailable\""), body);
            assertTrue(body.contains("\"retryAfterMs\":1000"), body);
        } finally {
            response.release();
        }
    }
}
