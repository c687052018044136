package dev.cipherline.crypto;

import static dev.cipherline.crypto.BundleVerifierTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SealedPayloadTest {
    private static final String ALICE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String BOB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final SealedPayload.Header HEADER =
            new SealedPayload.Header(
                    SealedPayload.KIND_MESSAGE,
                    ALICE,
                    3,
                    BOB,
                    5,
                    "msg-42",
                    1_700_000_000_000L,
                    1_700_000_600_000L);
    private static final byte[] BODY = "hello, bob".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealThenOpenRoundTrips() throws Exception {
        SealedPayload.Opened opened = SealedPayload.open(SealedPayload.seal(HEADER, BODY));
        assertEquals(HEADER, opened.header());
        assertArrayEquals(BODY, opened.body());

        SealedPayload.Header ephemeral =
                new SealedPayload.Header(
                        SealedPayload.KIND_EPHEMERAL, "ü-sender", 0, BOB, 65535, "x", -1L, 0L);
        SealedPayload.Opened empty = SealedPayload.open(SealedPayload.seal(ephemeral, new byte[0]));
        assertEquals(ephemeral, empty.header());
        assertEquals(0, empty.body().length);
    }

    @Test
    void encodingIsTheDocumentedLayout() {
        SealedPayload.Header header =
                new SealedPayload.Header(1, "a", 2, "b", 0, "c", 0x0102L, -1L);
        String expected =
                "01" // version
                        + "01" // kind
                        + "000161" // sender "a"
                        + "0002" // senderDevice
                        + "000162" // recipient "b"
                        + "0000" // recipientDevice
                        + "000163" // clientMsgId "c"
                        + "0000000000000102" // sentAt
                        + "ffffffffffffffff" // expiresAt
                        + "00000002" // body length
                        + "beef";
        assertEquals(
                expected,
                HexFormat.of()
                        .formatHex(
                                SealedPayload.seal(header, new byte[] {(byte) 0xbe, (byte) 0xef})));
    }

    @Test
    void truncatedInputIsMalformed() {
        byte[] sealed = SealedPayload.seal(HEADER, BODY);
        for (int length = 0; length < sealed.length; length++) {
            byte[] truncated = Arrays.copyOf(sealed, length);
            assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(truncated));
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] sealed = SealedPayload.seal(HEADER, BODY);
        byte[] longer = Arrays.copyOf(sealed, sealed.length + 1);
        assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(longer));
    }

    @Test
    void wrongVersionOrKindIsMalformed() {
        byte[] sealed = SealedPayload.seal(HEADER, BODY);
        byte[] version = sealed.clone();
        version[0] = 3;
        assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(version));
        byte[] kind = sealed.clone();
        kind[1] = 9;
        assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(kind));
    }

    @Test
    void badStringsAreMalformed() {
        byte[] notUtf8 = SealedPayload.seal(HEADER, BODY);
        notUtf8[4] = (byte) 0xff; // first byte of the sender
        assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(notUtf8));

        byte[] tooLong = new byte[2 + 2 + SealedPayload.MAX_STRING_BYTES + 1];
        tooLong[0] = 1;
        tooLong[2] = 0x01; // sender length 256
        assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(tooLong));

        assertThrows(
                IllegalArgumentException.class,
                () -> new SealedPayload.Header(0, "x".repeat(256), 1, BOB, 1, "m", 0L, 0L));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SealedPayload.Header(2, ALICE, 1, BOB, 1, "m", 0L, 0L));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SealedPayload.Header(0, ALICE, 65536, BOB, 1, "m", 0L, 0L));
    }

    @Test
    void bindingPassesWhenHeadersAgree() throws Exception {
        SealedPayload.checkBinding(HEADER, ALICE, 3, BOB, 5, "msg-42", 0, HEADER.expiresAt());
        // The relay may shorten the expiry, never extend it.
        SealedPayload.checkBinding(HEADER, ALICE, 3, BOB, 5, "msg-42", 0, HEADER.expiresAt() - 1);
    }

    @Test
    void recipientDeviceZeroMeansAnyDevice() throws Exception {
        SealedPayload.Header anyDevice =
                new SealedPayload.Header(0, ALICE, 3, BOB, 0, "msg-42", 1L, 2L);
        SealedPayload.checkBinding(anyDevice, ALICE, 3, BOB, 5, "msg-42", 0, 2L);
        SealedPayload.checkBinding(anyDevice, ALICE, 3, BOB, 9, "msg-42", 0, 2L);
    }

    @Test
    void bindingNamesTheFieldThatDisagrees() {
        long exp = HEADER.expiresAt();
        assertMismatch(
                "sender",
                () -> SealedPayload.checkBinding(HEADER, BOB, 3, BOB, 5, "msg-42", 0, exp));
        assertMismatch(
                "senderDevice",
                () -> SealedPayload.checkBinding(HEADER, ALICE, 4, BOB, 5, "msg-42", 0, exp));
        assertMismatch(
                "recipient",
                () -> SealedPayload.checkBinding(HEADER, ALICE, 3, ALICE, 5, "msg-42", 0, exp));
        assertMismatch(
                "recipientDevice",
                () -> SealedPayload.checkBinding(HEADER, ALICE, 3, BOB, 6, "msg-42", 0, exp));
        assertMismatch(
                "clientMsgId",
                () -> SealedPayload.checkBinding(HEADER, ALICE, 3, BOB, 5, "msg-43", 0, exp));
        assertMismatch(
                "kind",
                () -> SealedPayload.checkBinding(HEADER, ALICE, 3, BOB, 5, "msg-42", 1, exp));
        assertMismatch(
                "expiresAt",
                () -> SealedPayload.checkBinding(HEADER, ALICE, 3, BOB, 5, "msg-42", 0, exp + 1));
        assertMismatch(
                "sender",
                () -> SealedPayload.checkBinding(HEADER, null, 3, BOB, 5, "msg-42", 0, exp));
    }

    @Test
    void openedToStringHidesTheBody() throws Exception {
        SealedPayload.Opened opened = SealedPayload.open(SealedPayload.seal(HEADER, BODY));
        String text = opened.toString();
        assertFalse(text.contains("hello, bob"), text);
        IdentityTest.assertNoBytes(text, BODY);
        assertTrue(text.contains(BODY.length + " bytes"), text);
    }

    private static void assertMismatch(String field, BundleVerifierTest.Call call) {
        CryptoException e = assertThrows(CryptoException.class, call::run);
        assertEquals(CryptoException.Reason.HEADER_MISMATCH, e.reason());
        assertTrue(e.getMessage().endsWith(" " + field), e.getMessage());
    }

    @Test
    void versionTwoCarriesTheSendersDeviceListVersionAndVersionOneStillOpens() throws Exception {
        byte[] v2 = SealedPayload.seal(HEADER, 7, BODY);
        assertEquals(SealedPayload.VERSION_WITH_DEVICE_LIST, v2[0]);
        SealedPayload.Opened opened = SealedPayload.open(v2);
        assertEquals(HEADER, opened.header());
        assertArrayEquals(BODY, opened.body());
        assertEquals(7, opened.senderDeviceListVersion());
        assertEquals(SealedPayload.seal(HEADER, BODY).length + 8, v2.length, "eight bytes more");
        assertEquals(
                0, SealedPayload.open(SealedPayload.seal(HEADER, BODY)).senderDeviceListVersion());

        SealedPayload.Header header =
                new SealedPayload.Header(1, "a", 2, "b", 0, "c", 0x0102L, -1L);
        assertEquals(
                "02"
                        + "01"
                        + "000161"
                        + "0002"
                        + "000162"
                        + "0000"
                        + "000163"
                        + "0000000000000102"
                        + "ffffffffffffffff"
                        + "0000000000000003" // the sender's device list version
                        + "00000002"
                        + "beef",
                HexFormat.of()
                        .formatHex(
                                SealedPayload.seal(
                                        header, 3, new byte[] {(byte) 0xbe, (byte) 0xef})));
        byte[] negative = v2.clone();
        int at = v2.length - BODY.length - 4 - 8;
        negative[at] = (byte) 0x80;
        assertReason(CryptoException.Reason.MALFORMED, () -> SealedPayload.open(negative));
        assertThrows(IllegalArgumentException.class, () -> SealedPayload.seal(HEADER, -1, BODY));
    }
}
