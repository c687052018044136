package dev.cipherline.relay.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The idle timeout and the decoder errors of the connection guard, with Netty's mock time. */
class ConnectionGuardHandlerTest {
    private static final long TIMEOUT_SECONDS = 120;

    private final IdleSweeper idle = new IdleSweeper(Duration.ofSeconds(TIMEOUT_SECONDS));
    private final Backpressure backpressure = new Backpressure(Duration.ofSeconds(30));

    /** A connection whose guard started watching at time 0 (frozen). */
    private EmbeddedChannel connection(boolean webSocket) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        if (webSocket) {
            channel.attr(Channels.WEBSOCKET).set(true);
        }
        channel.pipeline().addLast(new ConnectionGuardHandler(idle, backpressure));
        return channel;
    }

    private static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private static void assertClosedWith(EmbeddedChannel channel, int code) {
        CloseWebSocketFrame close =
                assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(code, close.statusCode());
        close.release();
    }

    @Test
    void aSilentWebSocketIsClosedWith4005AtTheIdleTimeoutAndOnlyOnce() {
        EmbeddedChannel channel = connection(true);
        advance(channel, TIMEOUT_SECONDS * 1000 - 1);
        assertNull(channel.readOutbound(), "not closed before the timeout");
        advance(channel, 1000);
        assertClosedWith(channel, CloseCodes.IDLE);
        assertTrue(channel.isActive(), "waits for the client's close frame");

        advance(channel, 5_000);
        assertFalse(channel.isActive(), "dropped after the close grace period");
        assertNull(channel.readOutbound(), "one close frame, not one per sweep");
    }

    @Test
    void everyMessageReadRestartsTheTimeout() {
        EmbeddedChannel channel = connection(true);
        advance(channel, 100_000);
        channel.writeInbound("a ping");
        assertEquals("a ping", channel.readInbound(), "the guard passes what it reads on");

        advance(channel, 100_000);
        assertNull(channel.readOutbound(), "100 s after the last read");
        assertTrue(channel.isActive());
        advance(channel, 21_000);
        assertClosedWith(channel, CloseCodes.IDLE);
    }

    @Test
    void aSilentPlainHttpConnectionIsClosedWithoutACloseFrame() {
        EmbeddedChannel channel = connection(false);
        advance(channel, TIMEOUT_SECONDS * 1000 + 1000);
        assertFalse(channel.isActive());
        assertNull(channel.readOutbound());
    }

    @Test
    void oneSweepPerEventLoopWatchesEachOfItsConnections() throws Exception {
        EmbeddedChannel silent = connection(true);
        // two more connections on the same event loop as the first
        EmbeddedChannel reading = sameLoop(silent);
        EmbeddedChannel leaving = sameLoop(silent);

        advance(silent, 60_000);
        reading.writeInbound("a frame");
        leaving.close();
        silent.runPendingTasks();
        assertFalse(leaving.isActive());

        advance(silent, 61_000);
        assertClosedWith(silent, CloseCodes.IDLE);
        assertNull(reading.readOutbound(), "the connection that read 61 s ago stays open");
        assertTrue(reading.isActive());

        advance(silent, 60_000);
        assertClosedWith(reading, CloseCodes.IDLE);
    }

    private EmbeddedChannel sameLoop(EmbeddedChannel first) throws Exception {
        EmbeddedChannel channel = EmbeddedChannel.builder().register(false).build();
        channel.attr(Channels.WEBSOCKET).set(true);
        channel.pipeline().addLast(new ConnectionGuardHandler(idle, backpressure));
        first.eventLoop().register(channel).sync();
        first.runPendingTasks();
        assertSame(first.eventLoop(), channel.eventLoop());
        return channel;
    }

    /** Records the exceptions that get past the guard. */
    private static final class Passed extends ChannelInboundHandlerAdapter {
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    @Test
    void theWebSocketDecodersErrorsAreAnsweredAndOthersPassOn() {
        EmbeddedChannel tooLong = connection(true);
        tooLong.pipeline()
                .fireExceptionCaught(
                        new CorruptedWebSocketFrameException(
                                WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length exceeded"));
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, tooLong.readOutbound());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, error.code());
        assertClosedWith(tooLong, CloseCodes.TOO_BIG);

        EmbeddedChannel fragmented = connection(true);
        fragmented.pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
        assertInstanceOf(Frame.ErrorFrame.class, fragmented.readOutbound());
        assertClosedWith(fragmented, CloseCodes.TOO_BIG);

        EmbeddedChannel corrupted = connection(true);
        corrupted
                .pipeline()
                .fireExceptionCaught(
                        new CorruptedWebSocketFrameException(
                                WebSocketCloseStatus.PROTOCOL_ERROR, "bad opcode"));
        assertClosedWith(corrupted, CloseCodes.PROTOCOL_ERROR);

        EmbeddedChannel other = connection(true);
        Passed passed = new Passed();
        other.pipeline().addLast(passed);
        IllegalStateException failure = new IllegalStateException("not a decoder error");
        other.pipeline().fireExceptionCaught(failure);
        assertEquals(List.of(failure), passed.errors);
        assertNull(other.readOutbound());
    }
}
