package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AccountIdDerivationTest {
    // Computed independently: Python hashlib.sha256 + base64.b32encode, lower-cased, '=' stripped.
    private static final byte[] KEY =
            HexFormat.of()
                    .parseHex(
                            "05"
                                    + "0102030405060708090a0b0c0d0e0f10"
                                    + "1112131415161718191a1b1c1d1e1f20");
    private static final String EXPECTED = "2kl32csxvszn4maifxnhdj6h472st6ad";

    @Test
    void derivesTheKnownAnswerVector() {
        assertEquals(EXPECTED, AccountIdDerivation.derive(KEY));
    }

    @Test
    void anyChangeToTheKeyChangesTheId() {
        byte[] other = KEY.clone();
        other[32] ^= 1;
        assertNotEquals(EXPECTED, AccountIdDerivation.derive(other));
    }

    @Test
    void idsAre32LowerCaseBase32Characters() {
        String id = Identity.generate().accountId();
        assertEquals(AccountIdDerivation.LENGTH, id.length());
        assertTrue(id.matches("[a-z2-7]{32}"), id);
    }

    @Test
    void matchesOnlyTheRightId() {
        assertTrue(AccountIdDerivation.matches(EXPECTED, KEY));
        assertFalse(AccountIdDerivation.matches(EXPECTED.toUpperCase(), KEY));
        assertFalse(AccountIdDerivation.matches(Identity.generate().accountId(), KEY));
        assertFalse(AccountIdDerivation.matches(null, KEY));
    }
}
