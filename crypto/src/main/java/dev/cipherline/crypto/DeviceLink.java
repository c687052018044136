package dev.cipherline.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.SecretWithEncapsulation;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMExtractor;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMKeyPairGenerator;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mlkem.MLKEMPublicKeyParameters;

/**
 * The device-link channel: a one-shot hybrid (X25519 + ML-KEM-768) public-key encryption from an
 * existing device to a device being linked.
 *
 * <p>The new device makes a {@link Receiver} (an ephemeral key pair of each kind) and shows its
 * {@link PublicKeys} in a link URI. The existing device calls {@link #seal} with those public keys:
 * it encapsulates a secret to the ML-KEM key, agrees a second secret by X25519 between a fresh
 * ephemeral key and the new device's X25519 key, and derives the AEAD key with HKDF-SHA256 from
 * both secrets together, with every public value of the exchange in the HKDF info. Breaking either
 * X25519 or ML-KEM alone therefore reveals nothing. The payload is sealed with AES-256-GCM; the
 * associated data binds the mailbox ID and every public value, so a sealed payload moved to another
 * mailbox or re-addressed to other keys fails to open.
 *
 * <p>Both devices show {@link PublicKeys#fingerprint()} so the user can check that the existing
 * device seals to the keys the new device made, not to keys a relay or an onlooker swapped into the
 * URI.
 *
 * <p>Sealed format (all lengths fixed except the last field): {@code version (1 byte, 0x01) ||
 * ephemeral X25519 public key (32) || ML-KEM-768 ciphertext (1088) || nonce (12) || AES-256-GCM
 * ciphertext with its 16-byte tag}. See docs/PROTOCOL.md, "Linking a device".
 */
public final class DeviceLink {
    /** The format version, the first byte of a sealed payload. */
    public static final byte VERSION = 0x01;

    /** Length of an X25519 public key. */
    public static final int X25519_KEY_LENGTH = 32;

    /** Length of an ML-KEM-768 public (encapsulation) key. */
    public static final int MLKEM_PUBLIC_KEY_LENGTH = 1184;

    /** Length of an ML-KEM-768 ciphertext. */
    public static final int MLKEM_CIPHERTEXT_LENGTH = 1088;

    /** Length of the AES-GCM nonce. */
    public static final int NONCE_LENGTH = 12;

    /** Length of the AES-GCM tag. */
    public static final int TAG_LENGTH = 16;

    /** Bytes a sealed payload adds to its plaintext. */
    public static final int OVERHEAD =
            1 + X25519_KEY_LENGTH + MLKEM_CIPHERTEXT_LENGTH + NONCE_LENGTH + TAG_LENGTH;

    /** Digits in a {@link PublicKeys#fingerprint()}, without its spaces. */
    public static final int FINGERPRINT_DIGITS = 12;

    private static final byte[] HKDF_SALT =
            "cipherline device link v1 salt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HKDF_LABEL =
            "cipherline device link v1 key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FINGERPRINT_LABEL =
            "cipherline device link v1 fingerprint".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AD_LABEL =
            "cipherline device link v1 payload".getBytes(StandardCharsets.US_ASCII);

    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceLink() {}

    /**
     * The new device's public keys, as carried in the link URI.
     *
     * @param x25519 the 32-byte X25519 public key
     * @param mlKem the 1184-byte ML-KEM-768 encapsulation key
     */
    public record PublicKeys(byte[] x25519, byte[] mlKem) {
        /**
         * Checks and copies both keys.
         *
         * @throws IllegalArgumentException if a key has the wrong length
         */
        public PublicKeys {
            Objects.requireNonNull(x25519, "x25519");
            Objects.requireNonNull(mlKem, "mlKem");
            if (x25519.length != X25519_KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "an X25519 public key is " + X25519_KEY_LENGTH + " bytes");
            }
            if (mlKem.length != MLKEM_PUBLIC_KEY_LENGTH) {
                throw new IllegalArgumentException(
                        "an ML-KEM-768 public key is " + MLKEM_PUBLIC_KEY_LENGTH + " bytes");
            }
            x25519 = x25519.clone();
            mlKem = mlKem.clone();
        }

        @Override
        public byte[] x25519() {
            return x25519.clone();
        }

        @Override
        public byte[] mlKem() {
            return mlKem.clone();
        }

        /**
         * Returns the keys' fingerprint for the user to compare on both devices: 12 decimal digits
         * in three groups of four ("0123 4567 8901"), from SHA-256 over a label and both keys.
         */
        public String fingerprint() {
            MessageDigest sha = sha256();
            sha.update(FINGERPRINT_LABEL);
            sha.update(x25519);
            sha.update(mlKem);
            byte[] hash = sha.digest();
            StringBuilder out = new StringBuilder(FINGERPRINT_DIGITS + 2);
            for (int group = 0; group < 3; group++) {
                long value = 0;
                for (int i = 0; i < 5; i++) {
                    value = (value << 8) | (hash[group * 5 + i] & 0xFF);
                }
                if (group > 0) {
                    out.append(' ');
                }
                out.append(String.format("%04d", value % 10_000));
            }
            return out.toString();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof PublicKeys that
                    && Arrays.equals(x25519, that.x25519)
                    && Arrays.equals(mlKem, that.mlKem);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(x25519) + Arrays.hashCode(mlKem);
        }

        @Override
        public String toString() {
            return "PublicKeys[" + fingerprint() + "]";
        }
    }

    /**
     * The new device's side: the ephemeral private keys, kept in memory only while the link runs.
     * {@link #toString()} prints no key bytes.
     */
    public static final class Receiver {
        private final X25519PrivateKeyParameters x25519;
        private final MLKEMPrivateKeyParameters mlKem;
        private final PublicKeys publicKeys;

        private Receiver(X25519PrivateKeyParameters x25519, MLKEMPrivateKeyParameters mlKem) {
            this.x25519 = x25519;
            this.mlKem = mlKem;
            this.publicKeys =
                    new PublicKeys(
                            x25519.generatePublicKey().getEncoded(),
                            mlKem.getPublicKeyParameters().getEncoded());
        }

        /** Generates fresh key pairs from the system's secure random source. */
        public static Receiver generate() {
            MLKEMKeyPairGenerator generator = new MLKEMKeyPairGenerator();
            generator.init(new MLKEMKeyGenerationParameters(RANDOM, MLKEMParameters.ml_kem_768));
            MLKEMPrivateKeyParameters mlKem =
                    (MLKEMPrivateKeyParameters) generator.generateKeyPair().getPrivate();
            return new Receiver(new X25519PrivateKeyParameters(RANDOM), mlKem);
        }

        /** Returns the public keys to put into the link URI. */
        public PublicKeys publicKeys() {
            return publicKeys;
        }

        /**
         * Opens a payload sealed by {@link DeviceLink#seal} to this receiver's keys for {@code
         * mailboxId}.
         *
         * @throws CryptoException MALFORMED if the bytes are not a sealed payload of this version,
         *     INVALID_MESSAGE if it fails authentication (tampered, another mailbox, other keys)
         */
        public byte[] open(String mailboxId, byte[] sealed) throws CryptoException {
            Objects.requireNonNull(mailboxId, "mailboxId");
            Objects.requireNonNull(sealed, "sealed");
            if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
                throw new CryptoException(
                        CryptoException.Reason.MALFORMED, "not a device-link payload of version 1");
            }
            ByteBuffer in = ByteBuffer.wrap(sealed, 1, sealed.length - 1);
            byte[] ephemeral = take(in, X25519_KEY_LENGTH);
            byte[] kemCiphertext = take(in, MLKEM_CIPHERTEXT_LENGTH);
            byte[] nonce = take(in, NONCE_LENGTH);
            byte[] body = take(in, in.remaining());
            byte[] dhSecret = agree(x25519, ephemeral);
            byte[] kemSecret = new MLKEMExtractor(mlKem).extractSecret(kemCiphertext);
            byte[] key = deriveKey(dhSecret, kemSecret, publicKeys, ephemeral, kemCiphertext);
            byte[] ad = associatedData(mailboxId, publicKeys, ephemeral, kemCiphertext);
            try {
                return aead(Cipher.DECRYPT_MODE, key, nonce, ad, body);
            } finally {
                Arrays.fill(dhSecret, (byte) 0);
                Arrays.fill(kemSecret, (byte) 0);
                Arrays.fill(key, (byte) 0);
            }
        }

        @Override
        public String toString() {
            return "DeviceLink.Receiver[" + publicKeys.fingerprint() + "]";
        }
    }

    /**
     * Seals {@code payload} to the new device's {@code keys} for {@code mailboxId}; only the holder
     * of both private keys can open it, and only for the same mailbox ID.
     *
     * @throws CryptoException MALFORMED if the X25519 key is a low-order point
     */
    public static byte[] seal(PublicKeys keys, String mailboxId, byte[] payload)
            throws CryptoException {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(mailboxId, "mailboxId");
        Objects.requireNonNull(payload, "payload");
        X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(RANDOM);
        byte[] ephemeralPublic = ephemeral.generatePublicKey().getEncoded();
        byte[] dhSecret = agree(ephemeral, keys.x25519);
        SecretWithEncapsulation kem;
        try {
            kem =
                    new MLKEMGenerator(RANDOM)
                            .generateEncapsulated(
                                    new MLKEMPublicKeyParameters(
                                            MLKEMParameters.ml_kem_768, keys.mlKem));
        } catch (IllegalArgumentException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "not an ML-KEM-768 public key", e);
        }
        byte[] kemSecret = kem.getSecret();
        byte[] kemCiphertext = kem.getEncapsulation();
        byte[] key = deriveKey(dhSecret, kemSecret, keys, ephemeralPublic, kemCiphertext);
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        byte[] ad = associatedData(mailboxId, keys, ephemeralPublic, kemCiphertext);
        try {
            byte[] body = aead(Cipher.ENCRYPT_MODE, key, nonce, ad, payload);
            return ByteBuffer.allocate(1 + 32 + kemCiphertext.length + nonce.length + body.length)
                    .put(VERSION)
                    .put(ephemeralPublic)
                    .put(kemCiphertext)
                    .put(nonce)
                    .put(body)
                    .array();
        } finally {
            Arrays.fill(dhSecret, (byte) 0);
            Arrays.fill(kemSecret, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * HKDF-SHA256 over both shared secrets, with every public value in the info, so that the key
     * depends on each secret and on the exact exchange. Package-private for the tests that show
     * each secret alone is not enough.
     */
    static byte[] deriveKey(
            byte[] dhSecret,
            byte[] kemSecret,
            PublicKeys keys,
            byte[] ephemeralPublic,
            byte[] kemCiphertext) {
        byte[] ikm = concat(dhSecret, kemSecret);
        byte[] info = concat(HKDF_LABEL, keys.x25519, keys.mlKem, ephemeralPublic, kemCiphertext);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, HKDF_SALT, info));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        Arrays.fill(ikm, (byte) 0);
        return key;
    }

    private static byte[] associatedData(
            String mailboxId, PublicKeys keys, byte[] ephemeralPublic, byte[] kemCiphertext) {
        byte[] mailbox = mailboxId.getBytes(StandardCharsets.UTF_8);
        byte[] length = ByteBuffer.allocate(2).putShort((short) mailbox.length).array();
        return concat(
                AD_LABEL,
                new byte[] {VERSION},
                length,
                mailbox,
                keys.x25519,
                keys.mlKem,
                ephemeralPublic,
                kemCiphertext);
    }

    private static byte[] aead(int mode, byte[] key, byte[] nonce, byte[] ad, byte[] input)
            throws CryptoException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    mode,
                    new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(ad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new CryptoException(
                    CryptoException.Reason.INVALID_MESSAGE,
                    "the device-link payload failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable", e);
        }
    }

    private static byte[] agree(X25519PrivateKeyParameters privateKey, byte[] publicKey)
            throws CryptoException {
        byte[] secret = new byte[32];
        try {
            privateKey.generateSecret(new X25519PublicKeyParameters(publicKey, 0), secret, 0);
        } catch (IllegalStateException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "the X25519 public key is a low-order point");
        }
        return secret;
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer out = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
