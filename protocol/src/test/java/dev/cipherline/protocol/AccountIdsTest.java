package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AccountIdsTest {
    /** The vector in docs/PROTOCOL.md; the crypto module checks the same one. */
    static final byte[] VECTOR_KEY =
            HexFormat.of()
                    .parseHex("050102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");

    static final String VECTOR_ID = "2kl32csxvszn4maifxnhdj6h472st6ad";

    @Test
    void derivationMatchesTheDocumentedVector() {
        assertEquals(VECTOR_ID, AccountIds.derive(VECTOR_KEY));
    }

    @Test
    void aDifferentKeyGivesADifferentId() {
        byte[] other = VECTOR_KEY.clone();
        other[32] ^= 1;

        assertNotEquals(VECTOR_ID, AccountIds.derive(other));
    }

    @Test
    void typedFormsAreNormalized() {
        assertEquals(VECTOR_ID, AccountIds.normalize("2KL3-2CSX VSZN-4MAI-FXNH-DJ6H-472S-T6AD"));
    }

    @Test
    void invalidIdsAreRefusedWithAClearMessage() {
        assertFalse(AccountIds.isValid("2kl32csxvszn4maifxnhdj6h472st6a1"));
        assertFalse(AccountIds.isValid("short"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AccountIds.normalize("bob"));
        assertTrue(e.getMessage().contains("account ID"));
    }

    @Test
    void signedPayloadsAreDomainSeparated() {
        byte[] nonce = new byte[32];
        byte[] auth = SignedPayloads.auth(nonce, VECTOR_ID, 1);
        byte[] registration = SignedPayloads.registration(VECTOR_ID, 1, 0, nonce);

        assertTrue(
                new String(auth, 0, 18, java.nio.charset.StandardCharsets.US_ASCII)
                        .equals("cipherline-auth-v1"));
        assertNotEquals(HexFormat.of().formatHex(auth), HexFormat.of().formatHex(registration));
        assertEquals(18 + 32 + 2 + 32 + 4, auth.length);
    }
}
