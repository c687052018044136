package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import org.junit.jupiter.api.Test;

/** The nesting limit of PROTOCOL.md: 16 levels, the frame's own top-level map being the first. */
class NestingLimitTest {
    private final FrameCodec codec = new FrameCodec();

    /** A {@code synced} frame whose unknown field nests arrays to {@code depth} levels in all. */
    private static String nested(int depth) {
        StringBuilder s = new StringBuilder("{\"type\":\"synced\",\"serverTime\":1,\"x\":");
        s.append("[".repeat(depth - 1)).append("]".repeat(depth - 1)).append('}');
        return s.toString();
    }

    private static byte[] cbor(String json) throws Exception {
        return new CBORMapper().writeValueAsBytes(new ObjectMapper().readTree(json));
    }

    @Test
    void sixteenLevelsCountingTheTopLevelMapAreRead() throws Exception {
        assertInstanceOf(Frame.Synced.class, codec.decodeText(nested(16)));
        assertInstanceOf(Frame.Synced.class, codec.decodeBinary(cbor(nested(16))));
    }

    @Test
    void seventeenAreMalformedInJsonAndCbor() throws Exception {
        String json = nested(17);
        byte[] cbor = cbor(json);
        assertEquals(
                ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> codec.decodeText(json)).code());
        assertEquals(
                ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> codec.decodeBinary(cbor)).code());
    }
}
