package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeviceAuthKeyTest {
    private static final byte[] NONCE = "challenge nonce".getBytes();

    @Test
    void signatureVerifiesUnderThePublicKey() {
        DeviceAuthKey key = DeviceAuthKey.generate();
        byte[] signature = key.sign(NONCE);
        assertEquals(DeviceAuthKey.SIGNATURE_LENGTH, signature.length);
        assertEquals(DeviceAuthKey.KEY_LENGTH, key.publicKey().length);
        assertTrue(DeviceAuthKey.verify(key.publicKey(), NONCE, signature));
    }

    @Test
    void tamperingFailsVerification() {
        DeviceAuthKey key = DeviceAuthKey.generate();
        byte[] signature = key.sign(NONCE);
        byte[] badSignature = signature.clone();
        badSignature[0] ^= 1;
        byte[] badMessage = NONCE.clone();
        badMessage[0] ^= 1;
        assertFalse(DeviceAuthKey.verify(key.publicKey(), NONCE, badSignature));
        assertFalse(DeviceAuthKey.verify(key.publicKey(), badMessage, signature));
        assertFalse(DeviceAuthKey.verify(DeviceAuthKey.generate().publicKey(), NONCE, signature));
        assertFalse(DeviceAuthKey.verify(new byte[31], NONCE, signature));
        assertFalse(DeviceAuthKey.verify(key.publicKey(), NONCE, new byte[63]));
    }

    @Test
    void rfc8032TestVector1() {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        HexFormat hex = HexFormat.of();
        DeviceAuthKey key =
                DeviceAuthKey.fromPrivateBytes(
                        hex.parseHex(
                                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        assertArrayEquals(
                hex.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
                key.publicKey());
        assertArrayEquals(
                hex.parseHex(
                        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
                key.sign(new byte[0]));
    }

    @Test
    void privateBytesRestoreTheSameKey() {
        DeviceAuthKey key = DeviceAuthKey.generate();
        DeviceAuthKey restored = DeviceAuthKey.fromPrivateBytes(key.privateBytes());
        assertArrayEquals(key.publicKey(), restored.publicKey());
        assertTrue(DeviceAuthKey.verify(key.publicKey(), NONCE, restored.sign(NONCE)));
        assertThrows(
                IllegalArgumentException.class, () -> DeviceAuthKey.fromPrivateBytes(new byte[31]));
    }

    @Test
    void toStringPrintsNoKeyBytes() {
        DeviceAuthKey key = DeviceAuthKey.generate();
        IdentityTest.assertNoBytes(key.toString(), key.privateBytes());
        IdentityTest.assertNoBytes(key.toString(), key.publicKey());
    }
}
