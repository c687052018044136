package dev.cipherline.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The account ID format: the first 20 bytes of {@code SHA-256("cipherline-account-id-v1" ||
 * identityKey)}, where {@code identityKey} is the 33-byte serialized identity public key, written
 * in lower-case RFC 4648 base32 without padding (32 characters).
 *
 * <p>The relay uses this to refuse a registration whose identity key does not match its account ID.
 * The crypto module implements the same derivation independently; both are tested against the same
 * vector in {@code docs/PROTOCOL.md}.
 */
public final class AccountIds {
    /** Length of an account ID in characters. */
    public static final int LENGTH = 32;

    private static final byte[] DOMAIN =
            "cipherline-account-id-v1".getBytes(StandardCharsets.US_ASCII);
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private AccountIds() {}

    /** Derives the account ID of a serialized identity public key. */
    public static String derive(byte[] identityKey) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        sha256.update(DOMAIN);
        byte[] digest = sha256.digest(identityKey);
        return base32(digest, 20);
    }

    /** Whether {@code id} has the form of an account ID (32 characters of the base32 alphabet). */
    public static boolean isValid(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (ALPHABET.indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Normalizes a typed account ID: drops spaces and dashes, lower-cases.
     *
     * @throws IllegalArgumentException if the result is not a valid account ID
     */
    public static String normalize(String typed) {
        String id = typed.replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!isValid(id)) {
            throw new IllegalArgumentException(
                    "not an account ID: expected " + LENGTH + " characters of a-z and 2-7");
        }
        return id;
    }

    private static String base32(byte[] data, int length) {
        StringBuilder out = new StringBuilder((length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            buffer = (buffer << 8) | (data[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
