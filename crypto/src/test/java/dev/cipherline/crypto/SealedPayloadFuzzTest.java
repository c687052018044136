package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the sealed inner payload, the first thing the SDK parses after libsignal
 * decrypted an envelope (so its input is chosen by whoever holds a session: a peer, not the relay).
 * Whatever the bytes, {@link SealedPayload#open} either returns a payload that seals back to the
 * very same bytes or throws {@link CryptoException} {@code MALFORMED}; and the header binding check
 * either passes or throws {@code HEADER_MISMATCH}, never anything else.
 *
 * <p>A normal build runs the checked-in inputs under {@code SealedPayloadFuzzTestInputs}
 * (regression mode); {@code JAZZER_FUZZ=1} fuzzes one target. See docs/RELIABILITY.md.
 */
class SealedPayloadFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void openPayloads(byte[] data) {
        SealedPayload.Opened opened;
        try {
            opened = SealedPayload.open(data);
        } catch (CryptoException e) {
            assertEquals(CryptoException.Reason.MALFORMED, e.reason(), e.getMessage());
            return;
        }
        // the format has one encoding per payload: anything accepted is canonical
        assertArrayEquals(data, SealedPayload.seal(opened.header(), opened.body()));
    }

    @FuzzTest(maxDuration = "60s")
    void checkBindings(FuzzedDataProvider in) {
        SealedPayload.Header inner;
        try {
            inner =
                    new SealedPayload.Header(
                            in.consumeInt(0, 1),
                            in.consumeString(40),
                            in.consumeInt(0, 0xffff),
                            in.consumeString(40),
                            in.consumeInt(0, 0xffff),
                            in.consumeString(40),
                            in.consumeLong(),
                            in.consumeLong());
        } catch (IllegalArgumentException e) {
            return; // not a header the payload format can carry
        }
        boolean group = in.consumeBoolean();
        String sender = in.consumeBoolean() ? inner.sender() : in.consumeString(40);
        int senderDevice = in.consumeBoolean() ? inner.senderDevice() : in.consumeInt();
        String recipient = in.consumeBoolean() ? inner.recipient() : in.consumeString(40);
        int recipientDevice = in.consumeInt(-1, 3);
        String clientMsgId = in.consumeBoolean() ? inner.clientMsgId() : in.consumeString(40);
        int kind = in.consumeBoolean() ? inner.kind() : in.consumeInt();
        long expiresAt = in.consumeBoolean() ? inner.expiresAt() : in.consumeLong();
        try {
            if (group) {
                // the expected group is the SDK's own value, never the relay's
                String expected =
                        recipient.startsWith(SealedPayload.GROUP_RECIPIENT_PREFIX)
                                ? recipient
                                : SealedPayload.groupRecipient(recipient);
                SealedPayload.checkGroupBinding(
                        inner, sender, senderDevice, expected, clientMsgId, kind, expiresAt);
            } else {
                SealedPayload.checkBinding(
                        inner,
                        sender,
                        senderDevice,
                        recipient,
                        recipientDevice,
                        clientMsgId,
                        kind,
                        expiresAt);
            }
        } catch (CryptoException e) {
            assertEquals(CryptoException.Reason.HEADER_MISMATCH, e.reason(), e.getMessage());
            return;
        }
        // it passed: then every bound field agrees
        assertEquals(inner.sender(), sender);
        assertEquals(inner.senderDevice(), senderDevice);
        assertEquals(inner.clientMsgId(), clientMsgId);
        assertEquals(inner.kind(), kind);
        assertEquals(true, expiresAt <= inner.expiresAt());
    }
}
