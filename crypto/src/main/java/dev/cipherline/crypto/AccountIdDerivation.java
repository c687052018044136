package dev.cipherline.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Derives self-certifying account IDs: the first 20 bytes of {@code
 * SHA-256("cipherline-account-id-v1" || identityKey)}, where {@code identityKey} is the 33-byte
 * serialized identity public key, written in lower-case RFC 4648 base32 without padding (32
 * characters).
 *
 * <p>This is the same derivation as the protocol module's {@code AccountIds}, implemented
 * independently so that crypto does not depend on protocol; both are tested against the same
 * known-answer vector.
 */
public final class AccountIdDerivation {
    /** Length of an account ID in characters. */
    public static final int LENGTH = 32;

    private static final byte[] DOMAIN =
            "cipherline-account-id-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_PREFIX = 20;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private AccountIdDerivation() {}

    /**
     * Returns the account ID of a serialized identity public key.
     *
     * @throws NullPointerException if {@code identityPublicKey} is null
     */
    public static String derive(byte[] identityPublicKey) {
        Objects.requireNonNull(identityPublicKey, "identityPublicKey");
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        sha256.update(DOMAIN);
        byte[] digest = sha256.digest(identityPublicKey);
        return base32(digest, DIGEST_PREFIX);
    }

    /**
     * Whether {@code identityPublicKey} hashes to {@code accountId}; the comparison does not leak
     * where the two IDs first differ.
     */
    public static boolean matches(String accountId, byte[] identityPublicKey) {
        if (accountId == null || identityPublicKey == null) {
            return false;
        }
        return MessageDigest.isEqual(
                derive(identityPublicKey).getBytes(StandardCharsets.US_ASCII),
                accountId.getBytes(StandardCharsets.UTF_8));
    }

    // 20 bytes = 160 bits = exactly 32 base32 characters, so there is never a partial group.
    private static String base32(byte[] data, int length) {
        StringBuilder out = new StringBuilder(length * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            buffer = (buffer << 8) | (data[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }
}
