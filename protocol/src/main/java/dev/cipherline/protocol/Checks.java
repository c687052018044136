package dev.cipherline.protocol;

import java.util.List;

/** Schema checks shared by the frame records; each throws {@link IllegalArgumentException}. */
final class Checks {
    /** libsignal addresses devices 1..127. */
    static final int MAX_DEVICE_ID = 127;

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
