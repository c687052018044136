package dev.cipherline.sdk.internal.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FileContentTest {
    private static final String BLOB = "b".repeat(43);

    private static FileRef ref(String name, String type, String caption) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] digest = new byte[32];
        Arrays.fill(digest, (byte) 9);
        return new FileRef(BLOB, key, digest, 1234, 5678, name, type, caption);
    }

    @Test
    void fileAndGroupFileRoundTrip() throws Exception {
        FileRef f = ref("photo.jpg", "image/jpeg", "look ✓");
        Content decoded = Content.decode(Content.encodeFile(f));
        assertEquals(new Content.File(f), decoded);
        Content.GroupFile g = (Content.GroupFile) Content.decode(Content.encodeGroupFile(42, f));
        assertEquals(42, g.seq());
        assertEquals(f, g.file());
        assertArrayEquals(f.key(), g.file().key());
        assertEquals(
                "",
                ((Content.File) Content.decode(Content.encodeFile(ref("a", "", ""))))
                        .file()
                        .caption());
    }

    @Test
    void theEncodingIsTheDocumentedOne() {
        byte[] body = Content.encodeFile(ref("a", "t", "c"));
        assertEquals(1, body[0]);
        assertEquals(0x1B, body[1]);
        assertEquals(43, body[2]);
        // id, key, digest, size, expiry, name, type, caption
        assertEquals(2 + 1 + 43 + 32 + 32 + 8 + 8 + 2 + 1 + 1 + 1 + 1, body.length);
        assertEquals('c', body[body.length - 1]);
        assertEquals(0x1C, Content.encodeGroupFile(1, ref("a", "", ""))[1]);
    }

    @Test
    void truncatedOrMalformedReferencesAreRefused() {
        byte[] body = Content.encodeFile(ref("name.txt", "text/plain", ""));
        for (int cut = 2; cut < body.length - 12; cut += 7) {
            byte[] shorter = Arrays.copyOf(body, cut);
            assertThrows(Content.MalformedContentException.class, () -> Content.decode(shorter));
        }
        byte[] badId = body.clone();
        badId[3] = '/';
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(badId));
        byte[] noSeq = Content.encodeGroupFile(1, ref("a", "", ""));
        noSeq[9] = 0;
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(noSeq));
        assertThrows(IllegalArgumentException.class, () -> ref("", "", ""));
        assertThrows(IllegalArgumentException.class, () -> ref("x".repeat(1025), "", ""));
    }

    @Test
    void toStringHidesTheKeyAndName() {
        String s = ref("secret-plans.pdf", "application/pdf", "").toString();
        assertFalse(s.contains("secret"));
        assertTrue(s.contains("1234"));
    }
}
