package dev.cipherline.relay.internal.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.protocol.SignedPayloads;
import dev.cipherline.relay.Vectors;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known answers produced with libsignal 0.86.5 ({@code IdentityKeyPair.generate()}, {@code
 * getPrivateKey().calculateSignature(SignedPayloads.registration(...))}), verified without it.
 */
class XEdDsaVerifierTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Sign bit 1 in signature[63]. */
    private static final String KEY_1 =
            "05e24a850f69ce6021dc2aa14600cb950fbc46e2dc20d44fd81111fe4ada9d0a58";

    private static final String ACCOUNT_1 = "mnk4ih6izdxr2hs74scd2ppd5wxbhiyr";
    private static final String AUTH_1 =
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    private static final String SIG_1 =
            "5af85a80582220caed10c660fc71342d26979cbdb5800cf19fe9b2e8ca4d0fc9"
                    + "87218df2ff7e7c13e99c8d42f1bd8aa4f2091705ce4ce8de8404d4e550e33c8f";

    /** Sign bit 0 in signature[63]. */
    private static final String KEY_2 =
            "055c05ecbd6caf8510d2c72d757d4ac8b81f2dd55d14d95664c6abcbd8af724520";

    private static final String ACCOUNT_2 = "v655h4wg374a7nxo63a4alp7nnemlpla";
    private static final String AUTH_2 =
            "02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021";
    private static final String SIG_2 =
            "7f3071b3c233632734659b9b44b89006b72a59cbb25b5542117dd898d8816448"
                    + "d8e59e992db3774ea6cc0275ac64086a63da28ce13daf7f818460e6237b0ee0a";

    private static byte[] payload1() {
        return SignedPayloads.registration(ACCOUNT_1, 1, 4242, HEX.parseHex(AUTH_1));
    }

    @Test
    void libsignalSignaturesVerifyWithEitherSignBit() {
        assertTrue((HEX.parseHex(SIG_1)[63] & 0x80) != 0, "vector 1 carries sign bit 1");
        assertTrue((HEX.parseHex(SIG_2)[63] & 0x80) == 0, "vector 2 carries sign bit 0");
        assertTrue(XEdDsaVerifier.verify(HEX.parseHex(KEY_1), payload1(), HEX.parseHex(SIG_1)));
        assertTrue(
                XEdDsaVerifier.verify(
                        HEX.parseHex(KEY_2),
                        SignedPayloads.registration(ACCOUNT_2, 2, 4243, HEX.parseHex(AUTH_2)),
                        HEX.parseHex(SIG_2)));
    }

    @Test
    void vectorAccountIdsDeriveFromTheirKeys() {
        assertEquals(ACCOUNT_1, AccountIds.derive(HEX.parseHex(KEY_1)));
        assertEquals(ACCOUNT_2, AccountIds.derive(HEX.parseHex(KEY_2)));
        assertEquals(Vectors.ALICE_1.accountId(), AccountIds.derive(Vectors.ALICE_1.identityKey()));
        assertEquals(Vectors.BOB_1.accountId(), AccountIds.derive(Vectors.BOB_1.identityKey()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 17, 31, 32, 62, 63 * 8 + 7})
    void aFlippedSignatureBitFails(int bit) {
        byte[] signature = HEX.parseHex(SIG_1);
        signature[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(XEdDsaVerifier.verify(HEX.parseHex(KEY_1), payload1(), signature));
    }

    @Test
    void aFlippedMessageOrKeyBitFails() {
        byte[] message = payload1();
        message[message.length - 1] ^= 1;
        assertFalse(XEdDsaVerifier.verify(HEX.parseHex(KEY_1), message, HEX.parseHex(SIG_1)));
        byte[] key = HEX.parseHex(KEY_1);
        key[5] ^= 1;
        assertFalse(XEdDsaVerifier.verify(key, payload1(), HEX.parseHex(SIG_1)));
        assertFalse(XEdDsaVerifier.verify(HEX.parseHex(KEY_2), payload1(), HEX.parseHex(SIG_1)));
    }

    @Test
    void malformedKeysAndSignaturesFailWithoutThrowing() {
        byte[] key = HEX.parseHex(KEY_1);
        byte[] wrongType = key.clone();
        wrongType[0] = 0x06;
        assertFalse(XEdDsaVerifier.verify(wrongType, payload1(), HEX.parseHex(SIG_1)));
        assertFalse(XEdDsaVerifier.verify(new byte[32], payload1(), HEX.parseHex(SIG_1)));
        assertFalse(XEdDsaVerifier.verify(key, payload1(), new byte[63]));
        assertFalse(XEdDsaVerifier.verify(key, payload1(), new byte[64]));
        byte[] uMinusOne = new byte[33]; // u = p - 1 has no Edwards image
        uMinusOne[0] = 0x05;
        byte[] p = HEX.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        System.arraycopy(p, 0, uMinusOne, 1, 32);
        uMinusOne[1] = (byte) 0xec;
        assertFalse(XEdDsaVerifier.verify(uMinusOne, payload1(), HEX.parseHex(SIG_1)));
    }

    @Test
    void ed25519VerifiesJdkSignaturesOverRawKeys() {
        byte[] message = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] signature = Vectors.BOB_1.signAuth(message);
        assertTrue(Ed25519Verifier.verify(Vectors.BOB_1.authKey(), message, signature));
        assertFalse(Ed25519Verifier.verify(Vectors.ALICE_1.authKey(), message, signature));
        assertFalse(Ed25519Verifier.verify(new byte[31], message, signature));
    }
}
