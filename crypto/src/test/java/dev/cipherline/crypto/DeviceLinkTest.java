package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPublicKeyParameters;
import org.junit.jupiter.api.Test;

class DeviceLinkTest {
    private static final String MAILBOX = "q3Jx0m0bZk2F1fRr8yTg7A";
    private static final byte[] PAYLOAD =
            "identity key pair, account, profile".getBytes(StandardCharsets.UTF_8);

    @Test
    void roundTrip() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        byte[] sealed = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        assertEquals(PAYLOAD.length + DeviceLink.OVERHEAD, sealed.length);
        assertEquals(DeviceLink.VERSION, sealed[0]);
        assertArrayEquals(PAYLOAD, receiver.open(MAILBOX, sealed));
    }

    @Test
    void emptyAndLargePayloadsRoundTrip() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        byte[] large = new byte[60_000];
        Arrays.fill(large, (byte) 7);
        assertArrayEquals(
                new byte[0],
                receiver.open(
                        MAILBOX, DeviceLink.seal(receiver.publicKeys(), MAILBOX, new byte[0])));
        assertArrayEquals(
                large,
                receiver.open(MAILBOX, DeviceLink.seal(receiver.publicKeys(), MAILBOX, large)));
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        byte[] first = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        byte[] second = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void flippingAnyByteFails() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        byte[] sealed = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        int[] positions = {
            1, // ephemeral X25519 key
            32, // its last byte
            33, // ML-KEM ciphertext
            33 + DeviceLink.MLKEM_CIPHERTEXT_LENGTH - 1,
            33 + DeviceLink.MLKEM_CIPHERTEXT_LENGTH, // nonce
            33 + DeviceLink.MLKEM_CIPHERTEXT_LENGTH + DeviceLink.NONCE_LENGTH, // body
            sealed.length - 1 // tag
        };
        for (int position : positions) {
            byte[] tampered = sealed.clone();
            tampered[position] ^= 0x01;
            CryptoException e =
                    assertThrows(CryptoException.class, () -> receiver.open(MAILBOX, tampered));
            assertTrue(
                    e.reason() == CryptoException.Reason.INVALID_MESSAGE
                            || e.reason() == CryptoException.Reason.MALFORMED,
                    "byte " + position + ": " + e);
        }
    }

    @Test
    void truncatedOrWrongVersionIsMalformed() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        byte[] sealed = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        byte[] wrongVersion = sealed.clone();
        wrongVersion[0] = 0x02;
        assertEquals(
                CryptoException.Reason.MALFORMED,
                assertThrows(CryptoException.class, () -> receiver.open(MAILBOX, wrongVersion))
                        .reason());
        byte[] truncated = Arrays.copyOf(sealed, DeviceLink.OVERHEAD - 1);
        assertEquals(
                CryptoException.Reason.MALFORMED,
                assertThrows(CryptoException.class, () -> receiver.open(MAILBOX, truncated))
                        .reason());
        byte[] shortened = Arrays.copyOf(sealed, sealed.length - 1);
        assertEquals(
                CryptoException.Reason.INVALID_MESSAGE,
                assertThrows(CryptoException.class, () -> receiver.open(MAILBOX, shortened))
                        .reason());
    }

    @Test
    void anotherMailboxFails() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        byte[] sealed = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        CryptoException e =
                assertThrows(
                        CryptoException.class,
                        () -> receiver.open("A" + MAILBOX.substring(1), sealed));
        assertEquals(CryptoException.Reason.INVALID_MESSAGE, e.reason());
    }

    @Test
    void wrongReceiverFails() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        DeviceLink.Receiver other = DeviceLink.Receiver.generate();
        byte[] sealed = DeviceLink.seal(receiver.publicKeys(), MAILBOX, PAYLOAD);
        assertEquals(
                CryptoException.Reason.INVALID_MESSAGE,
                assertThrows(CryptoException.class, () -> other.open(MAILBOX, sealed)).reason());
    }

    @Test
    void mixingTheKeysOfTwoReceiversFails() throws CryptoException {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        DeviceLink.Receiver other = DeviceLink.Receiver.generate();
        // a URI whose X25519 key is the receiver's but whose ML-KEM key is someone else's
        DeviceLink.PublicKeys mixed =
                new DeviceLink.PublicKeys(
                        receiver.publicKeys().x25519(), other.publicKeys().mlKem());
        byte[] sealed = DeviceLink.seal(mixed, MAILBOX, PAYLOAD);
        assertThrows(CryptoException.class, () -> receiver.open(MAILBOX, sealed));
        assertThrows(CryptoException.class, () -> other.open(MAILBOX, sealed));
    }

    /**
     * An attacker who breaks X25519 (knows the DH secret) but not ML-KEM, or the other way round,
     * derives a different key and cannot open the payload.
     */
    @Test
    void eachSharedSecretAloneIsNotEnough() throws Exception {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        DeviceLink.PublicKeys keys = receiver.publicKeys();
        // seal by hand so the test knows both shared secrets
        X25519PrivateKeyParameters ephemeral =
                new X25519PrivateKeyParameters(new java.security.SecureRandom());
        byte[] ephemeralPublic = ephemeral.generatePublicKey().getEncoded();
        byte[] dh = new byte[32];
        ephemeral.generateSecret(
                new org.bouncycastle.crypto.params.X25519PublicKeyParameters(keys.x25519(), 0),
                dh,
                0);
        var kem =
                new MLKEMGenerator(new java.security.SecureRandom())
                        .generateEncapsulated(
                                new MLKEMPublicKeyParameters(
                                        MLKEMParameters.ml_kem_768, keys.mlKem()));
        byte[] kemSecret = kem.getSecret();
        byte[] ct = kem.getEncapsulation();
        byte[] right = DeviceLink.deriveKey(dh, kemSecret, keys, ephemeralPublic, ct);
        byte[] dhOnly = DeviceLink.deriveKey(dh, new byte[32], keys, ephemeralPublic, ct);
        byte[] kemOnly = DeviceLink.deriveKey(new byte[32], kemSecret, keys, ephemeralPublic, ct);
        assertNotEquals(Arrays.toString(right), Arrays.toString(dhOnly));
        assertNotEquals(Arrays.toString(right), Arrays.toString(kemOnly));
        assertNotEquals(Arrays.toString(dhOnly), Arrays.toString(kemOnly));

        // a payload sealed under the real key cannot be opened under either partial key
        byte[] nonce = new byte[DeviceLink.NONCE_LENGTH];
        byte[] body = gcm(Cipher.ENCRYPT_MODE, right, nonce, PAYLOAD);
        assertArrayEquals(PAYLOAD, gcm(Cipher.DECRYPT_MODE, right, nonce, body));
        assertThrows(
                AEADBadTagException.class, () -> gcm(Cipher.DECRYPT_MODE, dhOnly, nonce, body));
        assertThrows(
                AEADBadTagException.class, () -> gcm(Cipher.DECRYPT_MODE, kemOnly, nonce, body));
    }

    @Test
    void fingerprintIsTwelveDigitsAndStable() {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        String fingerprint = receiver.publicKeys().fingerprint();
        assertTrue(fingerprint.matches("\\d{4} \\d{4} \\d{4}"), fingerprint);
        DeviceLink.PublicKeys copy =
                new DeviceLink.PublicKeys(
                        receiver.publicKeys().x25519(), receiver.publicKeys().mlKem());
        assertEquals(fingerprint, copy.fingerprint());
        assertEquals(receiver.publicKeys(), copy);
        assertNotEquals(fingerprint, DeviceLink.Receiver.generate().publicKeys().fingerprint());
        byte[] x = receiver.publicKeys().x25519();
        x[0] ^= 1;
        assertNotEquals(
                fingerprint,
                new DeviceLink.PublicKeys(x, receiver.publicKeys().mlKem()).fingerprint());
    }

    @Test
    void publicKeysOfTheWrongLengthAreRefused() {
        DeviceLink.PublicKeys keys = DeviceLink.Receiver.generate().publicKeys();
        assertThrows(
                IllegalArgumentException.class,
                () -> new DeviceLink.PublicKeys(new byte[31], keys.mlKem()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new DeviceLink.PublicKeys(keys.x25519(), new byte[1183]));
    }

    @Test
    void lowOrderX25519KeyIsRefused() {
        DeviceLink.PublicKeys keys = DeviceLink.Receiver.generate().publicKeys();
        DeviceLink.PublicKeys zero = new DeviceLink.PublicKeys(new byte[32], keys.mlKem());
        assertEquals(
                CryptoException.Reason.MALFORMED,
                assertThrows(CryptoException.class, () -> DeviceLink.seal(zero, MAILBOX, PAYLOAD))
                        .reason());
    }

    @Test
    void toStringShowsNoKeyBytes() {
        DeviceLink.Receiver receiver = DeviceLink.Receiver.generate();
        assertEquals(
                "DeviceLink.Receiver[" + receiver.publicKeys().fingerprint() + "]",
                receiver.toString());
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] input) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return cipher.doFinal(input);
    }
}
