package dev.cipherline.relay.internal.net;

import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.ProtocolVersion;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.internal.store.sqlite.SqliteRelayStore;
import dev.cipherline.relay.internal.store.sqlite.StoreFixture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthHandlerTest {
    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();
    private SqliteRelayStore store;

    /** Records the user events and frames that pass the handler. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();
        final List<Object> frames = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frames.add(msg);
        }
    }

    @BeforeEach
    void open() throws Exception {
        store = StoreFixture.open(dir, clock, 100);
        store.register(BOB_1.registration(0)).join();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private EmbeddedChannel connect(Recorder recorder) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline()
                .addLast(
                        PreAuthDeadlineHandler.NAME,
                        new PreAuthDeadlineHandler(Duration.ofSeconds(10)))
                .addLast(new AuthHandler(store, clock, new SecureRandom()), recorder);
        channel.pipeline()
                .fireUserEventTriggered(
                        new WebSocketServerProtocolHandler.HandshakeComplete(
                                "/v1/websocket", new DefaultHttpHeaders(), null));
        return channel;
    }

    private static Frame.Auth auth(byte[] nonce) {
        byte[] payload = SignedPayloads.auth(nonce, BOB_1.accountId(), BOB_1.deviceId());
        return new Frame.Auth(
                ProtocolVersion.CURRENT,
                BOB_1.accountId(),
                BOB_1.deviceId(),
                BOB_1.signAuth(payload));
    }

    private static void assertClosedWith(EmbeddedChannel channel, int code) {
        CloseWebSocketFrame close =
                assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(code, close.statusCode());
        close.release();
        // the relay waits briefly for the client's close frame before dropping TCP
        channel.advanceTimeBy(3, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
    }

    @Test
    void aValidSignatureAuthenticatesAndFiresTheEvent() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = connect(recorder);
        Frame.Challenge challenge = assertInstanceOf(Frame.Challenge.class, channel.readOutbound());
        assertEquals(32, challenge.nonce().length);
        assertEquals(ProtocolVersion.SUPPORTED, challenge.versions());

        channel.writeInbound(auth(challenge.nonce()));
        channel.runPendingTasks();
        Frame.AuthOk ok = assertInstanceOf(Frame.AuthOk.class, channel.readOutbound());
        assertEquals(BOB_1.accountId(), ok.accountId());
        assertTrue(recorder.events.contains(new Authenticated(BOB_1.address())));
        assertNull(channel.pipeline().get(AuthHandler.class), "the handler leaves the pipeline");
        assertNull(channel.pipeline().get(PreAuthDeadlineHandler.NAME), "and the deadline with it");
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive(), "an authenticated connection outlives the deadline");

        channel.writeInbound(new Frame.Ack(List.of(1L)));
        assertEquals(List.of(new Frame.Ack(List.of(1L))), recorder.frames);
    }

    @Test
    void everyConnectionGetsAFreshNonce() {
        Frame.Challenge first = connect(new Recorder()).readOutbound();
        Frame.Challenge second = connect(new Recorder()).readOutbound();
        assertFalse(java.util.Arrays.equals(first.nonce(), second.nonce()));
    }

    @Test
    void aWrongSignatureFailsWith4001() {
        EmbeddedChannel channel = connect(new Recorder());
        Frame.Challenge challenge = channel.readOutbound();
        Frame.Auth good = auth(challenge.nonce());
        byte[] bad = good.signature().clone();
        bad[0] ^= 1;
        channel.writeInbound(new Frame.Auth(1, good.accountId(), good.deviceId(), bad));
        channel.runPendingTasks();
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, channel.readOutbound());
        assertEquals(ErrorCode.AUTH_FAILED, error.code());
        assertClosedWith(channel, CloseCodes.AUTH_FAILED);
    }

    @Test
    void aSignatureForAnotherConnectionsNonceIsAReplay() {
        EmbeddedChannel first = connect(new Recorder());
        Frame.Auth captured = auth(((Frame.Challenge) first.readOutbound()).nonce());
        Recorder recorder = new Recorder();
        EmbeddedChannel second = connect(recorder);
        second.readOutbound();
        second.writeInbound(captured);
        second.runPendingTasks();
        assertEquals(ErrorCode.AUTH_FAILED, ((Frame.ErrorFrame) second.readOutbound()).code());
        assertClosedWith(second, CloseCodes.AUTH_FAILED);
        assertTrue(recorder.events.stream().noneMatch(e -> e instanceof Authenticated));
    }

    @Test
    void anUnknownDeviceFailsWith4001() {
        EmbeddedChannel channel = connect(new Recorder());
        Frame.Challenge challenge = channel.readOutbound();
        Frame.Auth good = auth(challenge.nonce());
        channel.writeInbound(new Frame.Auth(1, good.accountId(), 7, good.signature()));
        channel.runPendingTasks();
        assertEquals(ErrorCode.AUTH_FAILED, ((Frame.ErrorFrame) channel.readOutbound()).code());
        assertClosedWith(channel, CloseCodes.AUTH_FAILED);
    }

    @Test
    void requestsBeforeAuthAreRefusedWithTheirRef() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = connect(recorder);
        channel.readOutbound();
        channel.writeInbound(new Frame.GetBundles("req-1", BOB_1.accountId()));
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, channel.readOutbound());
        assertEquals(ErrorCode.AUTH_REQUIRED, error.code());
        assertEquals("req-1", error.ref());
        assertTrue(recorder.frames.isEmpty());
        assertTrue(channel.isActive());
    }

    @Test
    void noAuthWithinTheTimeoutCloses4002() {
        EmbeddedChannel channel = connect(new Recorder());
        assertNotNull(channel.readOutbound());
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertClosedWith(channel, CloseCodes.AUTH_TIMEOUT);
    }

    @Test
    void anUnsupportedVersionCloses4003() {
        EmbeddedChannel channel = connect(new Recorder());
        Frame.Auth good = auth(((Frame.Challenge) channel.readOutbound()).nonce());
        channel.writeInbound(
                new Frame.Auth(99, good.accountId(), good.deviceId(), good.signature()));
        assertEquals(
                ErrorCode.UNSUPPORTED_VERSION, ((Frame.ErrorFrame) channel.readOutbound()).code());
        assertClosedWith(channel, CloseCodes.UNSUPPORTED_VERSION);
    }
}
