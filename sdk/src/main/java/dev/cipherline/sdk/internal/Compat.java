package dev.cipherline.sdk.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collector;
import java.util.stream.Collectors;

/**
 * Java 9-17 library calls the SDK needs, written against what Android API 26 provides, so the SDK
 * runs on Android. The build checks this (Animal Sniffer, Android API 26 signature); see
 * sdk/README.md, "On Android". Each method behaves as the JDK method it replaces.
 */
public final class Compat {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Compat() {}

    /** {@code Stream.toList()}: an unmodifiable list, nulls allowed. */
    public static <T> Collector<T, ?, List<T>> toList() {
        return Collectors.collectingAndThen(
                Collectors.toCollection(ArrayList::new), Collections::unmodifiableList);
    }

    /** {@code String.isBlank()}: empty or only white space ({@link Character#isWhitespace}). */
    public static boolean isBlank(String s) {
        return s.codePoints().allMatch(Character::isWhitespace);
    }

    /** {@code String.strip()}: without leading and trailing white space. */
    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && Character.isWhitespace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && Character.isWhitespace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** {@code HexFormat.of().formatHex(bytes)}: lower-case hex. */
    public static String hex(byte[] bytes) {
        return hex(bytes, 0, bytes.length);
    }

    /** {@code HexFormat.of().formatHex(bytes, from, to)}. */
    public static String hex(byte[] bytes, int from, int to) {
        if (from < 0 || to > bytes.length || from > to) {
            throw new IndexOutOfBoundsException("range " + from + ".." + to);
        }
        char[] out = new char[(to - from) * 2];
        for (int i = from; i < to; i++) {
            out[(i - from) * 2] = HEX[(bytes[i] >> 4) & 0xf];
            out[(i - from) * 2 + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /**
     * {@code HexFormat.of().parseHex(hex)}: either case.
     *
     * @throws IllegalArgumentException if the length is odd or a character is not a hex digit
     */
    public static byte[] unhex(CharSequence hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("string length not even: " + hex.length());
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (digit(hex.charAt(2 * i)) << 4 | digit(hex.charAt(2 * i + 1)));
        }
        return out;
    }

    /** {@code ByteArrayOutputStream.writeBytes(bytes)}. */
    public static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
        out.write(bytes, 0, bytes.length);
    }

    /** {@code Arrays.compare(a, b)} for byte arrays: signed bytes, then length. */
    public static int compare(byte[] a, byte[] b) {
        int common = Math.min(a.length, b.length);
        for (int i = 0; i < common; i++) {
            if (a[i] != b[i]) {
                return Byte.compare(a[i], b[i]);
            }
        }
        return a.length - b.length;
    }

    private static int digit(char c) {
        int d = Character.digit(c, 16);
        if (d < 0) {
            throw new IllegalArgumentException("not a hexadecimal digit: \"" + c + "\"");
        }
        return d;
    }
}
