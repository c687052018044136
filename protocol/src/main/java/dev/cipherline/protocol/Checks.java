package dev.cipherline.protocol;

import java.util.List;

/** Schema checks shared by the frame records; each throws {@link IllegalArgumentException}. */
final class Checks {
    /** libsignal addresses devices 1..127. */
    static final int MAX_DEVICE_ID = 127;

    /** libsignal registration IDs are 14 bits; 0 is never generated. */
    static final int MAX_REGISTRATION_ID = 0x3FFF;

    /** libsignal prekey IDs are 24 bits ({@code Medium.MAX_VALUE}). */
    static final int MAX_PREKEY_ID = 0xFFFFFF;

    /** A serialized Curve25519 public key: the type byte {@code 0x05} and 32 bytes. */
    static final int EC_PUBLIC_KEY_BYTES = 33;

    /** A serialized ML-KEM-1024 (Kyber1024) public key: the type byte {@code 0x08} and 1568. */
    static final int KYBER_PUBLIC_KEY_BYTES = 1569;

    private Checks() {}

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    static String token(String value, String field) {
        present(value, field);
        if (!isToken(value)) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be 1-64 characters of A-Z a-z 0-9 _ -");
        }
        return value;
    }

    /** 1-64 characters of A-Z a-z 0-9 _ - (checked on every frame, so without a regex). */
    static boolean isToken(String value) {
        int n = value.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z')
                            || (c >= 'a' && c <= 'z')
                            || (c >= '0' && c <= '9')
                            || c == '_'
                            || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String requireAccountId(String value, String field) {
        present(value, field);
        if (!AccountIds.isValid(value)) {
            throw new IllegalArgumentException("field '" + field + "' is not an account ID");
        }
        return value;
    }

    static int requireDeviceId(int value, String field) {
        if (value < 1 || value > MAX_DEVICE_ID) {
            throw new IllegalArgumentException("field '" + field + "' must be 1..127");
        }
        return value;
    }

    static int requireRegistrationId(int value, String field) {
        return (int) range(value, field, 1, MAX_REGISTRATION_ID);
    }

    static long range(long value, String field, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("field '" + field + "' must be " + min + ".." + max);
        }
        return value;
    }

    /** Checks that a prekey's serialized public key has the length of its kind. */
    static void keyLength(byte[] publicKey, String field, int keyBytes) {
        if (publicKey.length != keyBytes) {
            throw new IllegalArgumentException(
                    "field '" + field + ".publicKey' must be " + keyBytes + " bytes");
        }
    }

    /** Checks a prekey upload's keys: EC keys of 33 bytes, Kyber keys of 1569. */
    static void preKeyUpload(
            Frame.SignedPreKey signedPreKey,
            Frame.SignedPreKey lastResortKyberPreKey,
            List<Frame.PreKey> ecPreKeys,
            List<Frame.SignedPreKey> kyberPreKeys) {
        if (signedPreKey != null) {
            keyLength(signedPreKey.publicKey(), "signedPreKey", EC_PUBLIC_KEY_BYTES);
        }
        if (lastResortKyberPreKey != null) {
            keyLength(
                    lastResortKyberPreKey.publicKey(),
                    "lastResortKyberPreKey",
                    KYBER_PUBLIC_KEY_BYTES);
        }
        for (Frame.PreKey k : ecPreKeys) {
            keyLength(k.publicKey(), "ecPreKeys", EC_PUBLIC_KEY_BYTES);
        }
        for (Frame.SignedPreKey k : kyberPreKeys) {
            keyLength(k.publicKey(), "kyberPreKeys", KYBER_PUBLIC_KEY_BYTES);
        }
    }

    /**
     * The shortest signed device list: label (25), u16 + 32-byte account ID, u64 version, u8 count,
     * one 40-byte entry and the 64-byte signature.
     */
    static final int MIN_DEVICE_LIST_BYTES = 25 + 2 + 32 + 8 + 1 + 40 + 64;

    /** The longest signed device list: as {@link #MIN_DEVICE_LIST_BYTES} with 127 entries. */
    static final int MAX_DEVICE_LIST_BYTES = 25 + 2 + 32 + 8 + 1 + 127 * 40 + 64;

    /** A signed device list's bytes, of a length one can be; its content is checked by readers. */
    static byte[] deviceList(byte[] value, String field) {
        return bytes(value, field, MIN_DEVICE_LIST_BYTES, MAX_DEVICE_LIST_BYTES);
    }

    static byte[] bytes(byte[] value, String field, int min, int max) {
        present(value, field);
        if (value.length < min || value.length > max) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be " + min + ".." + max + " bytes");
        }
        return value;
    }

    static <T> List<T> list(List<T> value, String field) {
        present(value, field);
        for (T item : value) {
            if (item == null) {
                throw new IllegalArgumentException("field '" + field + "' has a null element");
            }
        }
        return List.copyOf(value);
    }

    static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException("field '" + field + "' must not be negative");
        }
        return value;
    }
}
