package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame.Deliver;
import dev.cipherline.protocol.Frame.Recipient;
import dev.cipherline.protocol.Frame.Send;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {
    private static final String ALICE = AccountIds.derive(key(1));
    private static final String BOB = AccountIds.derive(key(2));

    private final FrameCodec codec = new FrameCodec();

    static Stream<Frame> everyFrame() {
        Frame.SignedPreKey signed = new Frame.SignedPreKey(7, bytes(33, 3), bytes(64, 4));
        Frame.SignedPreKey kyber = new Frame.SignedPreKey(8, bytes(1569, 5), bytes(64, 6));
        Frame.PreKey ec = new Frame.PreKey(9, bytes(33, 7));
        return Stream.of(
                new Frame.Challenge(List.of(1), bytes(32, 1), 1_700_000_000_000L),
                new Frame.Auth(1, ALICE, 1, bytes(64, 2)),
                new Frame.AuthOk(ALICE, 1, 5L),
                new Send(
                        "m-1",
                        Kind.MESSAGE,
                        99L,
                        null,
                        List.of(new Recipient(BOB, 1, 1234, bytes(100, 9)))),
                new Send(
                        "m-2",
                        Kind.EPHEMERAL,
                        99L,
                        bytes(10, 1),
                        List.of(new Recipient(BOB, 1, 1, null), new Recipient(BOB, 2, 2, null))),
                new Frame.Accepted("m-1", 10L),
                new Frame.MismatchedDevices(
                        "m-1",
                        List.of(new Frame.DeviceMismatch(BOB, List.of(2), List.of(3), List.of()))),
                new Deliver(42L, ALICE, 1, "m-1", Kind.MESSAGE, 1L, 2L, bytes(50, 8)),
                new Frame.Ack(List.of(1L, 2L, 3L)),
                new Frame.Synced(3L),
                new Frame.Expired(7L, "m-1", BOB, 2, 1_700_000_000_000L),
                new Frame.ExpiredSummary(8L, ALICE, 1, 3, 1_700_000_000_000L, 1_700_000_060_000L),
                new Frame.AckExpired(
                        List.of(new Frame.NoticeAck(7L, 1), new Frame.NoticeAck(8L, 3))),
                new Frame.GetBundles("r1", BOB),
                new Frame.Bundles(
                        "r1",
                        BOB,
                        List.of(new Frame.PreKeyBundle(1, 77, key(2), signed, kyber, ec))),
                new Frame.Bundles(
                        "r1",
                        BOB,
                        List.of(new Frame.PreKeyBundle(1, 77, key(2), signed, kyber, null))),
                new Frame.UploadPreKeys("r2", signed, kyber, List.of(ec), List.of(kyber)),
                new Frame.UploadPreKeys("r3", null, null, List.of(), List.of()),
                new Frame.GetPreKeyCount("r4"),
                new Frame.PreKeyCount("r4", 10, 20),
                new Frame.GetDevices("r5"),
                new Frame.Devices(
                        "r5",
                        List.of(
                                new Frame.DeviceEntry(1, 1_700_000_000_000L, 1_700_000_100_000L),
                                new Frame.DeviceEntry(2, 1_700_000_050_000L, 0L))),
                new Frame.RemoveDevice("r6", 2),
                new Frame.RemoveDevice("r7", 2, bytes(172, 9)),
                new Frame.PutDeviceList("r8", bytes(212, 10)),
                new Frame.Abandon("r11", "m-1"),
                new Frame.Devices(
                        "r9",
                        List.of(new Frame.DeviceEntry(1, 1_700_000_000_000L, 0L)),
                        bytes(172, 11)),
                new Frame.Bundles(
                        "r10",
                        BOB,
                        List.of(new Frame.PreKeyBundle(1, 77, key(2), signed, kyber, null)),
                        bytes(172, 12)),
                new Frame.Ok("r2"),
                new Frame.ErrorFrame("m-1", ErrorCode.QUOTA_EXCEEDED, "queue is full", 1000L),
                Frame.ErrorFrame.of(null, ErrorCode.MALFORMED_FRAME, "bad"));
    }

    @ParameterizedTest
    @MethodSource("everyFrame")
    void everyFrameRoundTripsThroughCborAndJsonAlike(Frame frame) throws Exception {
        Frame fromCbor = codec.decodeBinary(codec.encodeBinary(frame));
        Frame fromJson = codec.decodeText(codec.encodeText(frame));

        assertEquals(describe(frame), describe(fromCbor));
        assertEquals(describe(frame), describe(fromJson));
    }

    @Test
    void jsonUsesTheDocumentedTypeNamesAndBase64() {
        String json =
                codec.encodeText(
                        new Deliver(
                                5L,
                                ALICE,
                                1,
                                "abc",
                                Kind.MESSAGE,
                                1L,
                                2L,
                                "hi".getBytes(StandardCharsets.UTF_8)));

        assertTrue(json.contains("\"type\":\"deliver\""), json);
        assertTrue(json.contains("\"kind\":\"message\""), json);
        assertTrue(json.contains("\"ciphertext\":\"aGk=\""), json);
    }

    @Test
    void nullableFieldsAreLeftOutOfTheEncoding() {
        String json = codec.encodeText(Frame.ErrorFrame.of(null, ErrorCode.NOT_FOUND, "no"));

        assertEquals("{\"type\":\"error\",\"code\":\"not-found\",\"message\":\"no\"}", json);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[]",
                "{}",
                "{\"type\":\"teleport\"}",
                "{\"type\":\"ack\"}",
                "{\"type\":\"ack\",\"seqs\":[]}",
                "{\"type\":\"ack\",\"seqs\":[1,null]}",
                "{\"type\":\"ack\",\"seqs\":\"1\"}",
                "{\"type\":\"ack\",\"seqs\":[1]} trailing",
                "{\"type\":\"get-bundles\",\"requestId\":\"r\",\"accountId\":\"nope\"}",
                "{\"type\":\"get-bundles\",\"requestId\":\"has space\",\"accountId\":\"nope\"}",
                "{\"type\":\"auth\",\"version\":1,\"accountId\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
                        + "\"signature\":\"AAAA\"}",
                "{\"type\":\"ok\",\"requestId\":\"a\",\"requestId\":\"b\"}",
                "{\"type\":\"synced\",\"serverTime\":\"soon\"}",
                "{\"type\":\"ack-expired\",\"notices\":[]}",
                "{\"type\":\"ack-expired\",\"notices\":[{\"id\":0,\"count\":1}]}",
                "{\"type\":\"ack-expired\",\"notices\":[{\"id\":5,\"count\":0}]}",
                "{\"type\":\"ack-expired\",\"notices\":[{\"id\":5}]}",
                "{\"type\":\"expired-summary\",\"id\":1,\"sender\":\"2kl32csxvszn4maifxnhdj6h472st6ad\","
                        + "\"senderDevice\":1,\"count\":2,\"firstExpiresAt\":9,\"lastExpiresAt\":8}"
            })
    void malformedTextFramesAreRefusedWithMalformedFrame(String text) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeText(text));

        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void missingPrimitiveFieldIsRefusedNotDefaultedToZero() {
        String noDevice = "{\"type\":\"auth-ok\",\"accountId\":\"" + ALICE + "\",\"serverTime\":1}";

        ProtocolException e =
                assertThrows(ProtocolException.class, () -> codec.decodeText(noDevice));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    }

    @Test
    void deviceIdsStayWithinTheRangeLibsignalAddresses() {
        String json =
                "{\"type\":\"auth-ok\",\"accountId\":\""
                        + ALICE
                        + "\",\"deviceId\":128,\"serverTime\":1}";

        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeText(json));
        assertTrue(e.getMessage().contains("1..127"), e.getMessage());
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() throws Exception {
        Frame frame =
                codec.decodeText("{\"type\":\"ok\",\"requestId\":\"r\",\"future\":{\"x\":1}}");

        assertEquals(new Frame.Ok("r"), frame);
    }

    @Test
    void truncatedAndGarbageCborIsMalformed() {
        byte[] whole = codec.encodeBinary(new Frame.Ack(List.of(1L, 2L)));
        byte[] truncated = Arrays.copyOf(whole, whole.length - 2);

        assertEquals(
                ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> codec.decodeBinary(truncated)).code());
        assertEquals(
                ErrorCode.MALFORMED_FRAME,
                assertThrows(
                                ProtocolException.class,
                                () -> codec.decodeBinary(new byte[] {(byte) 0xff, 0x00, 0x13}))
                        .code());
    }

    @Test
    void deeplyNestedInputIsRefusedBeforeItCostsStack() {
        String nested = "{\"type\":\"ok\",\"requestId\":\"r\",\"x\":" + "[".repeat(5000);

        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeText(nested));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    }

    @Test
    void framesOverTheLimitAreRefusedWithFrameTooLarge() {
        FrameCodec small = new FrameCodec(new Limits(1024, 512, 4, 10));
        byte[] big = new byte[1025];

        assertEquals(
                ErrorCode.FRAME_TOO_LARGE,
                assertThrows(ProtocolException.class, () -> small.decodeBinary(big)).code());
        assertEquals(
                ErrorCode.FRAME_TOO_LARGE,
                assertThrows(ProtocolException.class, () -> small.decodeText("x".repeat(1025)))
                        .code());
    }

    @Test
    void envelopeAndRecipientLimitsAreEnforcedOnDecode() {
        FrameCodec small = new FrameCodec(new Limits(64 * 1024, 512, 4, 10));
        Send bigBody =
                new Send(
                        "m",
                        Kind.MESSAGE,
                        1L,
                        new byte[513],
                        List.of(new Recipient(BOB, 1, 1, null)));
        List<Recipient> five = new ArrayList<>();
        for (int d = 1; d <= 5; d++) {
            five.add(new Recipient(BOB, d, 1, new byte[1]));
        }
        Send crowd = new Send("m", Kind.MESSAGE, 1L, null, five);

        assertEquals(
                ErrorCode.ENVELOPE_TOO_LARGE,
                assertThrows(
                                ProtocolException.class,
                                () -> small.decodeBinary(codec.encodeBinary(bigBody)))
                        .code());
        assertEquals(
                ErrorCode.TOO_MANY_RECIPIENTS,
                assertThrows(
                                ProtocolException.class,
                                () -> small.decodeBinary(codec.encodeBinary(crowd)))
                        .code());
    }

    @Test
    void aRecipientWithoutCiphertextNeedsASharedBody() {
        String json =
                "{\"type\":\"send\",\"clientMsgId\":\"m\",\"kind\":\"message\",\"expiresAt\":1,"
                        + "\"recipients\":[{\"accountId\":\""
                        + BOB
                        + "\",\"deviceId\":1,\"registrationId\":1}]}";

        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeText(json));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        assertTrue(e.getMessage().contains("body"), e.getMessage());
    }

    @Test
    void unknownErrorCodesReadAsInternalErrorSoOldClientsCope() throws Exception {
        Frame frame =
                codec.decodeText("{\"type\":\"error\",\"code\":\"brand-new\",\"message\":\"m\"}");

        assertEquals(
                ErrorCode.INTERNAL_ERROR, assertInstanceOf(Frame.ErrorFrame.class, frame).code());
    }

    @Test
    void registrationBodyRoundTripsAndIsChecked() throws Exception {
        Registration registration =
                new Registration(
                        ALICE,
                        1,
                        42,
                        key(1),
                        bytes(32, 1),
                        bytes(64, 2),
                        new Frame.SignedPreKey(1, bytes(33, 3), bytes(64, 4)),
                        new Frame.SignedPreKey(2, bytes(1569, 5), bytes(64, 6)),
                        List.of(new Frame.PreKey(3, bytes(33, 7))),
                        null);

        Registration back = codec.decodeJson(codec.encodeJson(registration), Registration.class);

        assertEquals(ALICE, back.accountId());
        assertArrayEquals(registration.authKey(), back.authKey());
        assertEquals(List.of(), back.kyberPreKeys());
        ProtocolException e =
                assertThrows(
                        ProtocolException.class,
                        () ->
                                codec.decodeJson(
                                        "{\"accountId\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                                        Registration.class));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    }

    /** Records with byte[] fields compare arrays by reference; compare a deep rendering instead. */
    private static String describe(Object value) {
        if (value instanceof byte[] b) {
            return Arrays.toString(b);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(FrameCodecTest::describe).toList().toString();
        }
        if (value instanceof Record record) {
            StringBuilder out = new StringBuilder(record.getClass().getSimpleName()).append('(');
            for (var component : record.getClass().getRecordComponents()) {
                try {
                    out.append(component.getName())
                            .append('=')
                            .append(describe(component.getAccessor().invoke(record)))
                            .append(',');
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return out.append(')').toString();
        }
        return String.valueOf(value);
    }

    static byte[] key(int seed) {
        byte[] key = bytes(33, seed);
        key[0] = 0x05;
        return key;
    }

    static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }
}
