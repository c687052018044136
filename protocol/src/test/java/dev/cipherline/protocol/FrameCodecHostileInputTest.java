package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Inputs found by fuzzing the relay's frame decoder (relay-server's FrameDecoderFuzzTest). */
class FrameCodecHostileInputTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void aByteStringWhereATypeIdBelongsIsMalformedNotANullPointer() {
        // a 7-element CBOR array whose first element is a byte string: Jackson's array-wrapped
        // type-ID path threw NullPointerException, which closed the connection with 1011
        byte[] input = new byte[126];
        Arrays.fill(input, (byte) 0x4a);
        input[0] = (byte) 0x87;
        ProtocolException e =
                assertThrows(ProtocolException.class, () -> codec.decodeBinary(input));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        byte[] small = HexFormat.of().parseHex("82" + "41" + "00" + "a0");
        assertEquals(
                ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> codec.decodeBinary(small)).code());
    }
}
