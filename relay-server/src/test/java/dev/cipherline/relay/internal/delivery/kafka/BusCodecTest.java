package dev.cipherline.relay.internal.delivery.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.Kind;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Ephemeral;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Takeover;
import dev.cipherline.relay.internal.delivery.kafka.BusRecord.Wake;
import dev.cipherline.relay.internal.store.DeviceAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BusCodecTest {
    static final DeviceAddress BOB = new DeviceAddress("b".repeat(32), 65535);
    static final Frame.Deliver TYPING =
            new Frame.Deliver(
                    0,
                    "a".repeat(32),
                    2,
                    "typing-1",
                    Kind.EPHEMERAL,
                    1_700_000_000_000L,
                    1_700_000_060_000L,
                    new byte[] {9, 8, 7, 0, -1});

    private final BusCodec codec = new BusCodec(new FrameCodec());

    @Test
    void wakeRoundTrips() {
        Wake wake = new Wake("node-a", BOB, Long.MAX_VALUE - 1);
        assertEquals(wake, codec.decode(codec.encode(wake)));
    }

    @Test
    void wakeIsSmallAndCarriesNoContent() {
        byte[] value = codec.encode(new Wake("node-a", BOB, 42));
        assertTrue(value.length < 64, "a wake is " + value.length + " bytes");
    }

    @Test
    void ephemeralRoundTripsItsFrame() {
        Ephemeral ephemeral =
                (Ephemeral) codec.decode(codec.encode(new Ephemeral("node-b", BOB, TYPING)));
        assertEquals("node-b", ephemeral.origin());
        assertEquals(BOB, ephemeral.device());
        Frame.Deliver d = ephemeral.deliver();
        assertEquals(TYPING.sender(), d.sender());
        assertEquals(TYPING.senderDevice(), d.senderDevice());
        assertEquals(TYPING.clientMsgId(), d.clientMsgId());
        assertEquals(TYPING.kind(), d.kind());
        assertEquals(TYPING.serverTime(), d.serverTime());
        assertEquals(TYPING.expiresAt(), d.expiresAt());
        assertArrayEquals(TYPING.ciphertext(), d.ciphertext());
    }

    @Test
    void takeoverRoundTrips() {
        Takeover takeover = new Takeover("node-b", BOB, "node-a/x1/7", "node-b/y2/3");
        assertEquals(takeover, codec.decode(codec.encode(takeover)));
    }

    @Test
    void malformedValuesAreRefusedWithIllegalArgument() {
        byte[] wake = codec.encode(new Wake("node-a", BOB, 42));
        byte[] otherFormat = wake.clone();
        otherFormat[0] = 2;
        byte[] otherType = wake.clone();
        otherType[1] = 9;
        byte[] trailing = Arrays.copyOf(wake, wake.length + 1);
        byte[] badAccount = wake.clone();
        badAccount[2 + 2 + "node-a".length() + 2] = '!';
        byte[] notDeliver =
                ephemeralWithFrame(
                        new FrameCodec().encodeBinary(new Frame.Ack(java.util.List.of(1L))));
        byte[] badFrameLength = ephemeralWithFrame(new byte[0]);
        badFrameLength[badFrameLength.length - 1] = 0x7f;
        for (byte[] value :
                new byte[][] {
                    null,
                    new byte[0],
                    Arrays.copyOf(wake, wake.length - 1),
                    Arrays.copyOf(wake, 5),
                    otherFormat,
                    otherType,
                    trailing,
                    badAccount,
                    notDeliver,
                    badFrameLength,
                    "{\"type\":\"wake\"}".getBytes(StandardCharsets.UTF_8)
                }) {
            assertThrows(IllegalArgumentException.class, () -> codec.decode(value));
        }
    }

    /** An ephemeral record whose frame bytes are {@code frame}, whatever they hold. */
    private byte[] ephemeralWithFrame(byte[] frame) {
        byte[] valid = codec.encode(new Ephemeral("n", BOB, TYPING));
        byte[] deliver = new FrameCodec().encodeBinary(TYPING);
        int head = valid.length - deliver.length - 4;
        byte[] value = Arrays.copyOf(valid, head + 4 + frame.length);
        value[head] = (byte) (frame.length >>> 24);
        value[head + 1] = (byte) (frame.length >>> 16);
        value[head + 2] = (byte) (frame.length >>> 8);
        value[head + 3] = (byte) frame.length;
        System.arraycopy(frame, 0, value, head + 4, frame.length);
        return value;
    }
}
