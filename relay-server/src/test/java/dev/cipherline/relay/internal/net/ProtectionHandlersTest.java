package dev.cipherline.relay.internal.net;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.AbuseLimits;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Vectors;
import dev.cipherline.relay.internal.delivery.LocalDeliveryBus;
import dev.cipherline.relay.internal.limits.RateLimiter;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.sqlite.SqliteRelayStore;
import dev.cipherline.relay.internal.store.sqlite.StoreFixture;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits, the connection cap and back-pressure, in EmbeddedChannels with a mutable clock. */
class ProtectionHandlersTest {
    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();
    private final FrameCodec codec = new FrameCodec();
    private SqliteRelayStore store;

    @BeforeEach
    void open() throws Exception {
        store = StoreFixture.open(dir, clock, 1000);
        store.register(ALICE_1.registration(2)).join();
        store.register(BOB_1.registration(2)).join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Keeps what reaches the end of the pipeline. */
    private static final class Passed extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<Object> out = new ArrayList<>();
        Object next;
        while ((next = channel.readOutbound()) != null) {
            out.add(next);
        }
        return out;
    }

    private Protection protection(String deviceRate, String addressRate) {
        return Protection.of(
                new AbuseLimits(
                        AbuseLimits.Rate.parse(deviceRate),
                        AbuseLimits.Rate.parse(addressRate),
                        10,
                        Duration.ofSeconds(30),
                        true),
                clock);
    }

    private SessionServices services(RateLimiter deviceRate, LocalDeliveryBus bus) {
        return new SessionServices(
                store,
                bus,
                deviceRate,
                codec,
                clock,
                Duration.ofDays(1),
                Duration.ofSeconds(30),
                64);
    }

    /** The session of {@code device}, authenticated, with its {@code synced} read. */
    private EmbeddedChannel session(SessionServices services, Vectors.Vector device) {
        EmbeddedChannel channel = new EmbeddedChannel(new SessionHandler(services));
        channel.pipeline().fireUserEventTriggered(new Authenticated(device.address()));
        assertInstanceOf(Frame.Synced.class, drain(channel).get(0));
        return channel;
    }

    /** How many of the frames written are prekey counts, i.e. requests that were acted on. */
    private static long answered(List<Object> frames) {
        return frames.stream().filter(Frame.PreKeyCount.class::isInstance).count();
    }

    @Test
    void aDeviceOverItsRateGetsRateLimitedWithItsRefAndARetryHint() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(1), clock, 100);
        SessionServices services = services(limiter, new LocalDeliveryBus());
        EmbeddedChannel alice = session(services, ALICE_1);

        alice.writeInbound(new Frame.GetPreKeyCount("r1"));
        alice.writeInbound(new Frame.GetPreKeyCount("r2"));
        alice.writeInbound(new Frame.GetPreKeyCount("r3"));
        List<Object> out = drain(alice);
        assertEquals(2, answered(out));
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, out.get(2));
        assertEquals("r3", error.ref());
        assertEquals(ErrorCode.RATE_LIMITED, error.code());
        assertEquals(500L, error.retryAfterMs());
        assertTrue(alice.isActive(), "a rate-limited connection survives");

        // acks are never limited, so the device can always drain its queue
        alice.writeInbound(new Frame.Ack(List.of(1L)));
        assertEquals(List.of(), drain(alice), "an ack over the limit is not refused");

        // the same device on another connection shares the bucket
        EmbeddedChannel again = session(services, ALICE_1);
        again.writeInbound(new Frame.GetPreKeyCount("r4"));
        assertEquals(
                ErrorCode.RATE_LIMITED,
                assertInstanceOf(Frame.ErrorFrame.class, drain(again).get(0)).code());

        clock.advance(Duration.ofMillis(500));
        alice.writeInbound(new Frame.GetPreKeyCount("r5"));
        List<Object> later = drain(alice);
        assertEquals(1, later.size());
        assertEquals(1, answered(later), "a token is back after 500 ms");
    }

    private static FullHttpRequest request(HttpMethod method, String uri) {
        return new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                method,
                uri,
                Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8));
    }

    private Map<?, ?> json(FullHttpResponse response) throws Exception {
        byte[] body = new byte[response.content().readableBytes()];
        response.content().readBytes(body);
        response.release();
        return codec.decodeJson(body, Map.class);
    }

    @Test
    void registrationsFromOneAddressAreRateLimitedWith429() throws Exception {
        Passed passed = new Passed();
        EmbeddedChannel http =
                new EmbeddedChannel(
                        new AddressRateLimitHandler(protection("100/s", "2/h"), codec), passed);
        for (int i = 0; i < 2; i++) {
            http.writeInbound(request(HttpMethod.POST, "/v1/devices"));
        }
        http.writeInbound(request(HttpMethod.GET, "/v1/health")); // cheap: never limited
        assertEquals(3, passed.messages.size());
        passed.messages.forEach(m -> ((FullHttpRequest) m).release());

        http.writeInbound(request(HttpMethod.POST, "/v1/devices"));
        assertEquals(3, passed.messages.size(), "the flood's request goes no further");
        FullHttpResponse response = assertInstanceOf(FullHttpResponse.class, drain(http).get(0));
        assertEquals(HttpResponseStatus.TOO_MANY_REQUESTS, response.status());
        assertEquals("1800", response.headers().get(HttpHeaderNames.RETRY_AFTER));
        Map<?, ?> body = json(response);
        assertEquals("rate-limited", body.get("code"));
        assertEquals(1_800_000, ((Number) body.get("retryAfterMs")).intValue());
        assertTrue(http.isActive(), "a keep-alive registration connection survives");

        // the same address cannot connect WebSockets either; that connection is closed
        http.writeInbound(request(HttpMethod.GET, "/v1/websocket"));
        response = assertInstanceOf(FullHttpResponse.class, drain(http).get(0));
        assertEquals(HttpResponseStatus.TOO_MANY_REQUESTS, response.status());
        response.release();
        assertFalse(http.isActive());
    }

    @Test
    void aConnectionOverTheCapIsAnswered503AndClosed() throws Exception {
        EmbeddedChannel refused = new EmbeddedChannel(new OverCapacityHandler(codec));
        refused.writeInbound(request(HttpMethod.GET, "/v1/websocket"));
        FullHttpResponse response = assertInstanceOf(FullHttpResponse.class, drain(refused).get(0));
        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
        assertEquals("rate-limited", json(response).get("code"));
        assertFalse(refused.isActive());
    }

    @Test
    void aSilentConnectionOverTheCapIsClosedAfterAFewSeconds() {
        EmbeddedChannel refused = new EmbeddedChannel();
        refused.freezeTime();
        refused.pipeline().addLast(new OverCapacityHandler(codec));
        refused.advanceTimeBy(OverCapacityHandler.RETRY_AFTER_MILLIS, TimeUnit.MILLISECONDS);
        refused.runScheduledPendingTasks();
        assertFalse(refused.isActive());
    }

    private void queueForBob(int count) {
        for (int i = 1; i <= count; i++) {
            SendOutcome outcome =
                    store.store(
                                    new SendRequest(
                                            ALICE_1.address(),
                                            "q" + i,
                                            clock.millis(),
                                            clock.millis() + 60_000,
                                            null,
                                            List.of(
                                                    new Frame.Recipient(
                                                            BOB_1.accountId(),
                                                            1,
                                                            BOB_1.registrationId(),
                                                            new byte[] {(byte) i}))))
                            .join();
            assertInstanceOf(SendOutcome.Stored.class, outcome);
        }
    }

    private EmbeddedChannel bob(LocalDeliveryBus bus) {
        EmbeddedChannel bob = new EmbeddedChannel();
        bob.freezeTime();
        bob.pipeline()
                .addLast(
                        new ConnectionGuardHandler(
                                new IdleSweeper(Duration.ofSeconds(120)),
                                new Backpressure(Duration.ofSeconds(30))),
                        new SessionHandler(
                                services(
                                        new RateLimiter(100, Duration.ofSeconds(1), clock, 100),
                                        bus)));
        bob.pipeline().fireUserEventTriggered(new Authenticated(BOB_1.address()));
        return bob;
    }

    private static void setWritable(EmbeddedChannel channel, boolean writable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        channel.runPendingTasks();
    }

    @Test
    void deliveriesPauseWhileTheClientDoesNotReadAndResumeWhenItDoes() {
        LocalDeliveryBus bus = new LocalDeliveryBus();
        EmbeddedChannel bob = bob(bus);
        assertInstanceOf(Frame.Synced.class, drain(bob).get(0));
        setWritable(bob, false);
        assertFalse(bob.config().isAutoRead(), "stops reading requests whose answers pile up");
        queueForBob(3);
        bus.publish(BOB_1.address(), store.read(BOB_1.address(), 0, 10).join());
        bus.forwardEphemeral(
                BOB_1.address(),
                new Frame.Deliver(
                        0,
                        ALICE_1.accountId(),
                        1,
                        "typing",
                        Kind.EPHEMERAL,
                        clock.millis(),
                        clock.millis() + 1000,
                        new byte[] {1}));
        assertEquals(List.of(), drain(bob), "nothing is pushed to an unwritable channel");

        setWritable(bob, true);
        assertTrue(bob.config().isAutoRead());
        List<Object> out = drain(bob);
        List<Long> seqs = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof Frame.Deliver d) {
                assertEquals(Kind.MESSAGE, d.kind(), "the ephemeral was dropped, not buffered");
                seqs.add(d.seq());
            }
        }
        assertEquals(List.of(1L, 2L, 3L), seqs);
        assertEquals(3, out.size());
        assertTrue(bob.isActive());
    }

    @Test
    void aConnectionUnwritableForTheStallTimeoutIsClosedAndItsEntriesStayQueued() {
        queueForBob(2);
        EmbeddedChannel bob = bob(new LocalDeliveryBus());
        drain(bob);
        setWritable(bob, false);
        bob.advanceTimeBy(29, TimeUnit.SECONDS);
        bob.runScheduledPendingTasks();
        assertTrue(bob.isActive(), "a short stall is tolerated");
        setWritable(bob, true);
        setWritable(bob, false);
        bob.advanceTimeBy(29, TimeUnit.SECONDS);
        bob.runScheduledPendingTasks();
        assertTrue(bob.isActive(), "becoming writable restarts the timer");
        bob.advanceTimeBy(1, TimeUnit.SECONDS);
        bob.runScheduledPendingTasks();
        assertFalse(bob.isActive(), "closed after 30 s without reading");
        assertEquals(2, store.read(BOB_1.address(), 0, 10).join().size(), "nothing was lost");
    }
}
