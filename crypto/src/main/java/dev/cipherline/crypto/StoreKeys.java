package dev.cipherline.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Keys for the SDK's encrypted local store. A random 256-bit <em>data key</em> encrypts the
 * sensitive columns ({@link RowCipher}); it is stored only wrapped (AES-256-GCM) under a
 * <em>key-encryption key</em>, which is either derived from the user's passphrase with Argon2id or
 * supplied by the app (e.g. from Android Keystore). Changing the passphrase re-wraps the data key;
 * no row is re-encrypted.
 */
public final class StoreKeys {
    /** Length of data keys, key-encryption keys and app-supplied keys. */
    public static final int KEY_LENGTH = 32;

    /** Length of an Argon2id salt. */
    public static final int SALT_LENGTH = 16;

    private static final byte[] WRAP_CONTEXT =
            "cipherline-store-data-key-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private StoreKeys() {}

    /**
     * Argon2id cost parameters, stored next to the wrapped key so they can change later.
     *
     * @param memoryKiB memory in KiB (at least 8 × parallelism)
     * @param iterations passes over the memory (at least 1)
     * @param parallelism lanes (at least 1)
     */
    public record Argon2Cost(int memoryKiB, int iterations, int parallelism) {
        /**
         * The default: 64 MiB, 3 passes, 1 lane (about 0.3 s on this project's 2-core test machine;
         * RFC 9106's second recommended option, with fewer passes for phones).
         */
        public static final Argon2Cost DEFAULT = new Argon2Cost(64 * 1024, 3, 1);

        /** Checks the ranges, also when read back from a store. */
        public Argon2Cost {
            if (parallelism < 1 || parallelism > 16) {
                throw new IllegalArgumentException("parallelism must be 1..16");
            }
            if (iterations < 1 || iterations > 100) {
                throw new IllegalArgumentException("iterations must be 1..100");
            }
            if (memoryKiB < 8 * parallelism || memoryKiB > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("memory must be 8 KiB per lane .. 4 GiB");
            }
        }
    }

    /** A new random data key or salt. */
    public static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Derives a key-encryption key from {@code passphrase} with Argon2id. */
    public static byte[] deriveFromPassphrase(char[] passphrase, byte[] salt, Argon2Cost cost) {
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(cost, "cost");
        if (salt == null || salt.length != SALT_LENGTH) {
            throw new IllegalArgumentException("the salt must be " + SALT_LENGTH + " bytes");
        }
        Argon2BytesGenerator argon2 = new Argon2BytesGenerator();
        argon2.init(
                new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                        .withSalt(salt)
                        .withMemoryAsKB(cost.memoryKiB())
                        .withIterations(cost.iterations())
                        .withParallelism(cost.parallelism())
                        .build());
        byte[] key = new byte[KEY_LENGTH];
        // UTF-8, the builder's default character conversion
        argon2.generateBytes(passphrase, key);
        return key;
    }

    /** Wraps {@code dataKey} under {@code wrappingKey}: nonce, ciphertext and tag. */
    public static byte[] wrap(byte[] dataKey, byte[] wrappingKey) {
        checkKey(dataKey, "dataKey");
        return new RowCipher(wrappingKey).seal(dataKey, WRAP_CONTEXT);
    }

    /**
     * Unwraps a data key.
     *
     * @throws CryptoException INVALID_MESSAGE if {@code wrappingKey} is not the key it was wrapped
     *     under (a wrong passphrase) or the wrapped key was altered
     */
    public static byte[] unwrap(byte[] wrapped, byte[] wrappingKey) throws CryptoException {
        byte[] key = new RowCipher(wrappingKey).open(wrapped, WRAP_CONTEXT);
        if (key.length != KEY_LENGTH) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "the wrapped store key has a wrong length");
        }
        return key;
    }

    static void checkKey(byte[] key, String name) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + KEY_LENGTH + " bytes");
        }
    }

    /**
     * AES-256-GCM for one key: each {@link #seal} draws a random 96-bit nonce and authenticates
     * {@code context} (e.g. the table, column and row a value belongs to, so sealed values cannot
     * be swapped between places). Output: version byte 1, nonce, ciphertext with the 128-bit tag.
     * Thread-safe.
     */
    public static final class RowCipher {
        private static final int VERSION = 1;
        private static final int NONCE_LENGTH = 12;
        private static final int TAG_BITS = 128;

        private final SecretKeySpec key;

        /**
         * One AES-GCM {@link Cipher} per thread, set up afresh (key and new nonce) for every value:
         * looking the algorithm up for every value cost more than the encryption of a small one.
         */
        private final ThreadLocal<Cipher> gcms =
                ThreadLocal.withInitial(
                        () -> {
                            try {
                                return Cipher.getInstance("AES/GCM/NoPadding");
                            } catch (GeneralSecurityException e) {
                                throw new IllegalStateException(
                                        "AES-GCM is unavailable in this JVM", e);
                            }
                        });

        /** A cipher for a 32-byte key (the key bytes are copied). */
        public RowCipher(byte[] key) {
            checkKey(key, "key");
            this.key = new SecretKeySpec(key.clone(), "AES");
        }

        /** Encrypts {@code plaintext} bound to {@code context}. */
        public byte[] seal(byte[] plaintext, byte[] context) {
            Objects.requireNonNull(plaintext, "plaintext");
            byte[] nonce = random(NONCE_LENGTH);
            try {
                Cipher gcm = gcms.get();
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
                gcm.updateAAD(context);
                byte[] out = new byte[1 + NONCE_LENGTH + gcm.getOutputSize(plaintext.length)];
                out[0] = VERSION;
                System.arraycopy(nonce, 0, out, 1, NONCE_LENGTH);
                gcm.doFinal(plaintext, 0, plaintext.length, out, 1 + NONCE_LENGTH);
                return out;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
            }
        }

        /**
         * Decrypts a value sealed with {@code context}.
         *
         * @throws CryptoException MALFORMED if it is not a sealed value of this format;
         *     INVALID_MESSAGE if it does not authenticate (another key, another context, altered)
         */
        public byte[] open(byte[] sealed, byte[] context) throws CryptoException {
            Objects.requireNonNull(sealed, "sealed");
            if (sealed.length < 1 + NONCE_LENGTH + TAG_BITS / 8 || sealed[0] != VERSION) {
                throw new CryptoException(
                        CryptoException.Reason.MALFORMED, "not an encrypted store value");
            }
            try {
                Cipher gcm = gcms.get();
                gcm.init(
                        Cipher.DECRYPT_MODE,
                        key,
                        new GCMParameterSpec(
                                TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_LENGTH)));
                gcm.updateAAD(context);
                return gcm.doFinal(sealed, 1 + NONCE_LENGTH, sealed.length - 1 - NONCE_LENGTH);
            } catch (javax.crypto.AEADBadTagException e) {
                throw new CryptoException(
                        CryptoException.Reason.INVALID_MESSAGE,
                        "an encrypted store value does not authenticate");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is unavailable in this JVM", e);
            }
        }
    }
}
