package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AttachmentTest {
    private static String safe(String name) {
        return new Attachment(name, "", 1, Instant.EPOCH).safeFileName();
    }

    @Test
    void aSendersNameNeverBecomesAPath() {
        assertEquals("passwd", safe("../../etc/passwd"));
        assertEquals("x.exe", safe("C:\\Windows\\x.exe"));
        assertEquals("bashrc", safe(".bashrc"));
        assertEquals("file", safe(".."));
        assertEquals("file", safe("/"));
        assertEquals("a_b_c", safe("a\nb\u0000c"));
        assertEquals("evil_gpj.exe", safe("evil\u202Egpj.exe"));
        assertEquals("report (final).pdf", safe("report (final).pdf"));
        assertEquals(200, safe("y".repeat(500)).length());
    }

    @Test
    void toStringPrintsNoName() {
        assertFalse(
                new Attachment("diary.txt", "text/plain", 5, Instant.EPOCH)
                        .toString()
                        .contains("diary"));
    }
}
