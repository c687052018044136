package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IdentityTest {
    private static final byte[] MESSAGE = "register me".getBytes();

    @Test
    void serializeRoundTripKeepsKeysAndAccountId() throws Exception {
        Identity original = Identity.generate();
        Identity restored = Identity.fromSerialized(original.serialize());
        assertEquals(original.accountId(), restored.accountId());
        assertArrayEquals(original.publicKey(), restored.publicKey());
        assertTrue(Identity.verify(original.publicKey(), MESSAGE, restored.sign(MESSAGE)));
    }

    @Test
    void accountIdIsDerivedFromThePublicKey() {
        Identity identity = Identity.generate();
        assertEquals(Identity.PUBLIC_KEY_LENGTH, identity.publicKey().length);
        assertEquals(0x05, identity.publicKey()[0]);
        assertEquals(AccountIdDerivation.derive(identity.publicKey()), identity.accountId());
    }

    @Test
    void signaturesVerifyOnlyForTheSignedMessageAndKey() {
        Identity identity = Identity.generate();
        byte[] signature = identity.sign(MESSAGE);
        assertEquals(Identity.SIGNATURE_LENGTH, signature.length);
        assertTrue(Identity.verify(identity.publicKey(), MESSAGE, signature));
        assertFalse(Identity.verify(identity.publicKey(), "other".getBytes(), signature));
        assertFalse(Identity.verify(Identity.generate().publicKey(), MESSAGE, signature));
        signature[5] ^= 1;
        assertFalse(Identity.verify(identity.publicKey(), MESSAGE, signature));
        assertFalse(Identity.verify(new byte[3], MESSAGE, signature));
    }

    @Test
    void garbageIsMalformed() {
        CryptoException e =
                assertThrows(CryptoException.class, () -> Identity.fromSerialized(new byte[10]));
        assertEquals(CryptoException.Reason.MALFORMED, e.reason());
    }

    @Test
    void toStringPrintsOnlyTheAccountId() throws Exception {
        Identity identity = Identity.generate();
        byte[] secret = identity.keyPair().getPrivateKey().serialize();
        String text = identity.toString();
        assertTrue(text.contains(identity.accountId()));
        assertNoBytes(text, secret);
        assertNoBytes(text, identity.serialize());
        assertNoBytes(text, identity.publicKey());
    }

    static void assertNoBytes(String text, byte[] bytes) {
        String lower = text.toLowerCase();
        assertFalse(lower.contains(HexFormat.of().formatHex(bytes)), "hex leaked");
        assertFalse(text.contains(Base64.getEncoder().encodeToString(bytes)), "base64 leaked");
        assertFalse(
                text.contains(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)),
                "base64url leaked");
        assertFalse(text.contains(java.util.Arrays.toString(bytes)), "array leaked");
    }
}
