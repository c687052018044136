package dev.cipherline.sdk.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each Android-safe replacement behaves as the JDK method it replaces, on the same inputs. */
class CompatTest {
    private static final List<String> TEXTS =
            List.of(
                    "",
                    " ",
                    "\t\n",
                    "a",
                    " a ",
                    "\u2003a b\u2003",
                    "\u00a0x\u00a0",
                    "é\n",
                    "\u0001");

    @Test
    void stripAndIsBlankMatchTheJdk() {
        for (String s : TEXTS) {
            assertEquals(s.strip(), Compat.strip(s), s);
            assertEquals(s.isBlank(), Compat.isBlank(s), s);
        }
    }

    @Test
    void hexMatchesHexFormat() {
        Random random = new Random(7);
        for (int n = 0; n < 40; n++) {
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            String hex = HexFormat.of().formatHex(bytes);
            assertEquals(hex, Compat.hex(bytes));
            assertArrayEquals(bytes, Compat.unhex(hex));
            assertArrayEquals(bytes, Compat.unhex(hex.toUpperCase()));
            if (n > 3) {
                assertEquals(
                        HexFormat.of().formatHex(bytes, 1, n - 1), Compat.hex(bytes, 1, n - 1));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Compat.unhex("abc"));
        assertThrows(IllegalArgumentException.class, () -> Compat.unhex("zz"));
    }

    @Test
    void compareMatchesArraysCompare() {
        byte[][] samples = {{}, {0}, {-1}, {1}, {0, 0}, {1, -128}, {1, 127}, {-128}};
        for (byte[] a : samples) {
            for (byte[] b : samples) {
                assertEquals(
                        Integer.signum(Arrays.compare(a, b)),
                        Integer.signum(Compat.compare(a, b)),
                        Arrays.toString(a) + " vs " + Arrays.toString(b));
            }
        }
    }

    @Test
    void toListIsUnmodifiableAndOrdered() {
        List<String> list = Stream.of("b", "a", null).collect(Compat.toList());
        assertEquals(Arrays.asList("b", "a", null), list);
        assertThrows(UnsupportedOperationException.class, () -> list.add("c"));
    }

    @Test
    void writeBytesWritesAll() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Compat.writeBytes(out, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, out.toByteArray());
    }
}
