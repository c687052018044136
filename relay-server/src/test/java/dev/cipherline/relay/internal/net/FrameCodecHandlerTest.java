package dev.cipherline.relay.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.CloseCodes;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Limits;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FrameCodecHandlerTest {
    private final FrameCodec codec = new FrameCodec(new Limits(1024, 512, 10, 5));
    private EmbeddedChannel channel;

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel(new FrameCodecHandler(codec));
        channel.attr(Channels.WEBSOCKET).set(true);
    }

    private Frame readFrame() throws Exception {
        Object out = channel.readOutbound();
        if (out instanceof TextWebSocketFrame text) {
            try {
                return codec.decodeText(text.text());
            } finally {
                text.release();
            }
        }
        BinaryWebSocketFrame binary = assertInstanceOf(BinaryWebSocketFrame.class, out);
        try {
            return codec.decodeBinary(ByteBufUtil.getBytes(binary.content()));
        } finally {
            binary.release();
        }
    }

    @Test
    void binaryFramesAreCborAndAnsweredInCbor() {
        Frame.Ack ack = new Frame.Ack(List.of(1L, 2L));
        channel.writeInbound(
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encodeBinary(ack))));
        assertEquals(ack, channel.readInbound());
        channel.writeOutbound(new Frame.Synced(5));
        BinaryWebSocketFrame out =
                assertInstanceOf(BinaryWebSocketFrame.class, channel.readOutbound());
        out.release();
    }

    @Test
    void textFramesAreJsonAndAnsweredInJson() throws Exception {
        channel.writeInbound(
                new TextWebSocketFrame("{\"type\":\"get-prekey-count\",\"requestId\":\"r1\"}"));
        assertEquals(new Frame.GetPreKeyCount("r1"), channel.readInbound());
        channel.writeOutbound(new Frame.Ok("r1"));
        TextWebSocketFrame out = assertInstanceOf(TextWebSocketFrame.class, channel.readOutbound());
        assertEquals("{\"type\":\"ok\",\"requestId\":\"r1\"}", out.text());
        out.release();
    }

    @Test
    void aMalformedFrameIsAnsweredAndTheConnectionSurvives() throws Exception {
        channel.writeInbound(new TextWebSocketFrame("{ nope"));
        assertNull(channel.readInbound());
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, readFrame());
        assertEquals(ErrorCode.MALFORMED_FRAME, error.code());

        channel.writeInbound(new TextWebSocketFrame("{\"type\":\"ack\",\"seqs\":[]}"));
        assertEquals(ErrorCode.MALFORMED_FRAME, ((Frame.ErrorFrame) readFrame()).code());

        channel.writeInbound(
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 0xbf, 0x61})));
        assertEquals(ErrorCode.MALFORMED_FRAME, ((Frame.ErrorFrame) readFrame()).code());
        assertTrue(channel.isActive());
    }

    @Test
    void aFrameOverTheLimitIsRefusedAndTheConnectionSurvives() throws Exception {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[2000])));
        assertNull(channel.readInbound());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, ((Frame.ErrorFrame) readFrame()).code());
        assertTrue(channel.isActive());
    }

    @Test
    void aMessageOverTheHardCapGetsAnErrorThenClose1009() throws Exception {
        channel.pipeline()
                .fireExceptionCaught(
                        new CorruptedWebSocketFrameException(
                                WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length exceeded"));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, ((Frame.ErrorFrame) readFrame()).code());
        CloseWebSocketFrame close =
                assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(CloseCodes.TOO_BIG, close.statusCode());
        close.release();
        assertTrue(channel.isActive(), "waits for the client's close frame");
        channel.advanceTimeBy(3, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isActive());
    }

    @Test
    void anOversizedFragmentedMessageAlsoCloses1009() throws Exception {
        channel.pipeline()
                .fireExceptionCaught(new TooLongFrameException("content length exceeded"));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, ((Frame.ErrorFrame) readFrame()).code());
        CloseWebSocketFrame close =
                assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(CloseCodes.TOO_BIG, close.statusCode());
        close.release();
    }

    @Test
    void everyWebSocketMessageIsReleasedAndOtherMessagesPassOn() {
        TextWebSocketFrame good =
                new TextWebSocketFrame("{\"type\":\"get-prekey-count\",\"requestId\":\"r1\"}");
        TextWebSocketFrame bad = new TextWebSocketFrame("{ nope");
        PingWebSocketFrame ping = new PingWebSocketFrame();
        channel.writeInbound(good, bad, ping, "not a WebSocket message");
        assertEquals(0, good.refCnt());
        assertEquals(0, bad.refCnt());
        assertEquals(0, ping.refCnt());
        assertEquals(new Frame.GetPreKeyCount("r1"), channel.readInbound());
        assertEquals("not a WebSocket message", channel.readInbound());
        assertNull(channel.readInbound());
        ReferenceCountUtil.release(channel.readOutbound());
    }

    /** Counts the reads asked for by the handlers after it. */
    private static final class Reads extends ChannelOutboundHandlerAdapter {
        int count;

        @Override
        public void read(ChannelHandlerContext ctx) {
            count++;
            ctx.read();
        }
    }

    @Test
    void aPassThatProducedNothingAsksForTheNextReadWhileAutoReadIsOff() {
        Reads reads = new Reads();
        channel.pipeline().addFirst(reads);
        channel.config().setAutoRead(false);
        int before = reads.count;

        channel.writeInbound(new TextWebSocketFrame("{ nope"));
        assertEquals(before + 1, reads.count, "a refused frame must not stall the connection");
        ReferenceCountUtil.release(channel.readOutbound());

        channel.writeInbound(
                new TextWebSocketFrame("{\"type\":\"get-prekey-count\",\"requestId\":\"r1\"}"));
        assertEquals(before + 1, reads.count, "a frame that went on reads when it is handled");
        assertEquals(new Frame.GetPreKeyCount("r1"), channel.readInbound());
    }

    @Test
    void aFrameThatCannotBeEncodedFailsItsWrite() {
        ChannelFuture write =
                channel.writeAndFlush(
                        Frame.ErrorFrame.of(null, ErrorCode.INTERNAL_ERROR, "broken \uD800 text"));
        assertFalse(write.isSuccess());
        assertInstanceOf(EncoderException.class, write.cause());
        assertNull(channel.readOutbound());
        assertTrue(channel.isActive());
    }
}
