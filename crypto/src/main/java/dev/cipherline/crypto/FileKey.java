package dev.cipherline.crypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The secret key of one encrypted file: 32 random bytes, made fresh for every file and sent to the
 * recipients only inside an end-to-end encrypted message. Its {@code toString()} prints nothing
 * secret.
 */
public final class FileKey {
    /** The length of a file key in bytes. */
    public static final int LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private FileKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A new random key. */
    public static FileKey generate() {
        byte[] bytes = new byte[LENGTH];
        RANDOM.nextBytes(bytes);
        return new FileKey(bytes);
    }

    /**
     * The key whose bytes are {@code bytes} (as received in a message).
     *
     * @throws CryptoException {@link CryptoException.Reason#MALFORMED} unless it is 32 bytes
     */
    public static FileKey of(byte[] bytes) throws CryptoException {
        if (bytes == null || bytes.length != LENGTH) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "a file key must be " + LENGTH + " bytes");
        }
        return new FileKey(bytes.clone());
    }

    /** A copy of the key's bytes, to be sealed into a message or an encrypted store. */
    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileKey other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "FileKey[redacted]";
    }
}
