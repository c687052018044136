package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written CBOR of the four per-message frames against Jackson: the same bytes out, the
 * same frames in, and never a frame accepted that Jackson would refuse or read differently.
 */
class HotFramesTest {
    private static final long[] EDGES = {
        0, 1, 23, 24, 255, 256, 65_535, 65_536, 4_294_967_295L, 4_294_967_296L, Long.MAX_VALUE
    };

    private final FrameCodec codec = new FrameCodec();
    private final Random random = new Random(20261130);

    @Test
    void encodesExactlyWhatJacksonEncodes() {
        for (int i = 0; i < 5_000; i++) {
            Frame frame = randomHotFrame();
            assertArrayEquals(codec.encodeGeneral(frame), HotFrames.encode(frame), frame::toString);
        }
    }

    @Test
    void decodesWhatJacksonEncodesToTheSameFrame() throws ProtocolException {
        for (int i = 0; i < 5_000; i++) {
            Frame frame = randomHotFrame();
            byte[] bytes = codec.encodeGeneral(frame);
            Frame hot = HotFrames.decode(bytes);
            assertNotNull(hot, frame::toString);
            assertArrayEquals(bytes, codec.encodeGeneral(hot));
        }
    }

    @Test
    void otherFramesAreLeftToJackson() {
        assertNull(HotFrames.encode(new Frame.Synced(3L)));
        assertNull(HotFrames.decode(codec.encodeBinary(new Frame.Synced(3L))));
        assertNull(HotFrames.decode(codec.encodeBinary(new Frame.GetPreKeyCount("r"))));
    }

    @Test
    void leavesEveryUnusualFormToJackson() {
        byte[] accepted = codec.encodeGeneral(new Frame.Accepted("m1", 5));
        // bf 64 type 68 accepted 6b clientMsgId 62 m1 6a serverTime 05 ff
        assertNotNull(HotFrames.decode(accepted));
        assertNull(HotFrames.decode(Arrays.copyOf(accepted, accepted.length + 1)), "trailing");
        assertNull(HotFrames.decode(Arrays.copyOf(accepted, accepted.length - 1)), "truncated");
        assertNull(
                HotFrames.decode(
                        hex("bf6a73657276657254696d6505647479706568616363657074656" + "4ff")));
        assertNull(
                HotFrames.decode(
                        hex(
                                "bf64747970656861636365707465646b636c69656e744d73674964626d31"
                                        + "6a73657276657254696d65056a73657276657254696d6506ff")),
                "duplicate key");
        assertNull(
                HotFrames.decode(
                        hex(
                                "bf64747970656861636365707465646b636c69656e744d73674964626d31"
                                        + "6a73657276657254696d6505617805ff")),
                "unknown key");
        assertNull(
                HotFrames.decode(
                        hex(
                                "bf64747970656861636365707465646b636c69656e744d73674964626d31"
                                        + "6a73657276657254696d6524ff")),
                "negative number");
        assertNull(
                HotFrames.decode(
                        hex("bf64747970656861636365707465646b636c69656e744d73674964626d31" + "ff")),
                "missing field");
        assertNull(
                HotFrames.decode(
                        hex(
                                "bf64747970656861636365707465646b636c69656e744d7367496462c3a9"
                                        + "6a73657276657254696d6505ff")),
                "not ASCII");
    }

    @Test
    void acceptsADefiniteMapInAnyKeyOrderAsJacksonDoes() throws ProtocolException {
        // {type: accepted, serverTime: 5, clientMsgId: m1} as a definite-length map
        byte[] bytes =
                hex(
                        "a3647479706568616363657074656"
                                + "46a73657276657254696d65056b636c69656e744d73674964626d31");
        Frame hot = HotFrames.decode(bytes);
        assertEquals(new Frame.Accepted("m1", 5), hot);
        assertEquals(codec.decodeGeneral(bytes), hot);
    }

    /**
     * Mutated frames: whenever the fast path takes one, Jackson takes it too and reads the same
     * frame; everything else gets Jackson's answer by construction.
     */
    @Test
    void neverAcceptsWhatJacksonRefusesOrReadsDifferently() {
        int taken = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] bytes = mutate(codec.encodeGeneral(randomHotFrame()));
            Frame hot = HotFrames.decode(bytes);
            if (hot == null) {
                continue;
            }
            taken++;
            Frame general;
            try {
                general = codec.decodeGeneral(bytes);
            } catch (ProtocolException e) {
                fail(
                        "fast path took what Jackson refuses ("
                                + e.getMessage()
                                + "): "
                                + hexOf(bytes));
                return;
            }
            assertArrayEquals(codec.encodeGeneral(general), codec.encodeGeneral(hot), hexOf(bytes));
        }
        // the mutations must leave many frames valid, or this test shows nothing
        assertEquals(true, taken > 10_000, "only " + taken + " mutated frames were plain");
    }

    private byte[] mutate(byte[] bytes) {
        byte[] b = bytes.clone();
        int pos = random.nextInt(b.length);
        switch (random.nextInt(6)) {
            case 0 -> b[pos] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[pos] = (byte) random.nextInt(256);
            case 2 -> b = Arrays.copyOf(b, pos);
            case 3 -> {
                byte[] longer = new byte[b.length + 1];
                System.arraycopy(b, 0, longer, 0, pos);
                longer[pos] = (byte) random.nextInt(256);
                System.arraycopy(b, pos, longer, pos + 1, b.length - pos);
                b = longer;
            }
            case 4 -> {
                byte[] shorter = new byte[b.length - 1];
                System.arraycopy(b, 0, shorter, 0, pos);
                System.arraycopy(b, pos + 1, shorter, pos, b.length - pos - 1);
                b = shorter;
            }
            default -> {
                // leave it intact now and then
            }
        }
        return b;
    }

    private Frame randomHotFrame() {
        return switch (random.nextInt(4)) {
            case 0 -> randomSend();
            case 1 -> new Frame.Accepted(token(), number());
            case 2 ->
                    new Frame.Deliver(
                            number(), account(), device(), token(), kind(), number(), number(),
                            bytes());
            default -> {
                List<Long> seqs = new ArrayList<>();
                for (int k = 1 + random.nextInt(30); k > 0; k--) {
                    seqs.add(Math.max(1, number()));
                }
                yield new Frame.Ack(seqs);
            }
        };
    }

    private Frame randomSend() {
        boolean shared = random.nextBoolean();
        List<Frame.Recipient> recipients = new ArrayList<>();
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
            recipients.add(
                    new Frame.Recipient(
                            account(),
                            device(),
                            1 + (int) (number() % Checks.MAX_REGISTRATION_ID),
                            shared && random.nextBoolean() ? null : bytes()));
        }
        return new Frame.Send(token(), kind(), number(), shared ? bytes() : null, recipients);
    }

    private long number() {
        long edge = EDGES[random.nextInt(EDGES.length)];
        if (random.nextBoolean()) {
            return edge;
        }
        long any = random.nextLong() & Long.MAX_VALUE;
        return edge == Long.MAX_VALUE ? any : any % (edge + 1);
    }

    private int device() {
        return 1 + random.nextInt(Checks.MAX_DEVICE_ID);
    }

    private Kind kind() {
        return random.nextBoolean() ? Kind.MESSAGE : Kind.EPHEMERAL;
    }

    private String token() {
        String alphabet = "ABCxyz019_-";
        StringBuilder s = new StringBuilder();
        for (int k = 1 + random.nextInt(64); k > 0; k--) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private String account() {
        byte[] key = new byte[33];
        random.nextBytes(key);
        return AccountIds.derive(key);
    }

    private byte[] bytes() {
        int[] sizes = {0, 1, 23, 24, 255, 256, 300, 70_000};
        byte[] b = new byte[sizes[random.nextInt(sizes.length)]];
        random.nextBytes(b);
        return b;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String hexOf(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
