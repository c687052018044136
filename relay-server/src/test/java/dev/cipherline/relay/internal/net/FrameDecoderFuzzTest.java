package dev.cipherline.relay.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Limits;
import dev.cipherline.protocol.ProtocolException;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Fuzz targets for the relay's frame decoder (CBOR in binary messages, JSON in text messages),
 * driven through {@link FrameCodecHandler} with the relay's own limits. Whatever arrives, the
 * handler either passes one frame on or answers one {@code malformed-frame}/{@code frame-too-large}
 * error; it never throws and never closes the connection, and every frame it accepts encodes and
 * decodes again to a frame of the same type.
 *
 * <p>A normal build runs the inputs under {@code src/test/resources/.../FrameDecoderFuzzTestInputs}
 * (regression mode). {@code JAZZER_FUZZ=1} fuzzes one target for {@code maxDuration}; see
 * docs/RELIABILITY.md.
 */
class FrameDecoderFuzzTest {
    private static final Limits LIMITS = Limits.DEFAULT;
    // the relay decodes with envelope and recipient checks left to the send logic
    private static final FrameCodec DECODING =
            new FrameCodec(
                    new Limits(
                            LIMITS.maxFrameBytes(),
                            LIMITS.maxFrameBytes(),
                            Integer.MAX_VALUE,
                            LIMITS.maxPreKeysPerUpload()));
    private static final FrameCodec CODEC = new FrameCodec();
    private static final Set<ErrorCode> DECODE_ERRORS =
            Set.of(ErrorCode.MALFORMED_FRAME, ErrorCode.FRAME_TOO_LARGE);

    @FuzzTest(maxDuration = "60s")
    void cborFrames(byte[] data) throws Exception {
        decode(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(data)), false);
    }

    @FuzzTest(maxDuration = "60s")
    void jsonFrames(byte[] utf8) throws Exception {
        // bytes, not a String parameter, so that corpus files are the frames' raw UTF-8
        decode(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), true);
    }

    private static void decode(WebSocketFrame message, boolean text) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodecHandler(DECODING));
        try {
            channel.writeInbound(message);
            Object in = channel.readInbound();
            Object out = channel.readOutbound();
            assertTrue(channel.isActive(), "a bad frame never closes the connection");
            if (in != null) {
                assertNull(out, "a decoded frame is not also answered");
                Frame frame = assertInstanceOf(Frame.class, in);
                Frame again =
                        text
                                ? CODEC.decodeText(CODEC.encodeText(frame))
                                : CODEC.decodeBinary(CODEC.encodeBinary(frame));
                assertEquals(frame.getClass(), again.getClass());
            } else {
                WebSocketFrame answer = assertInstanceOf(WebSocketFrame.class, out);
                try {
                    Frame.ErrorFrame error =
                            assertInstanceOf(
                                    Frame.ErrorFrame.class,
                                    text
                                            ? CODEC.decodeText(
                                                    answer.content()
                                                            .toString(StandardCharsets.UTF_8))
                                            : CODEC.decodeBinary(bytes(answer)));
                    assertTrue(DECODE_ERRORS.contains(error.code()), error.toString());
                } finally {
                    answer.release();
                }
            }
        } catch (ProtocolException e) {
            throw new AssertionError("an accepted frame did not survive a round trip", e);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static byte[] bytes(WebSocketFrame frame) {
        byte[] bytes = new byte[frame.content().readableBytes()];
        frame.content().getBytes(frame.content().readerIndex(), bytes);
        return bytes;
    }
}
