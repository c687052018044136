package dev.cipherline.sdk.internal.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ContentTest {
    @Test
    void textRoundTripsIncludingEmptyAndNonAscii() throws Exception {
        for (String text : new String[] {"hello", "", "grüße 👋 \n\t", "x".repeat(10_000)}) {
            assertEquals(new Content.Text(text), Content.decode(Content.encodeText(text)));
        }
    }

    @Test
    void theEncodingIsVersionTypeThenUtf8() {
        assertArrayEquals(new byte[] {1, 1, 'h', 'i'}, Content.encodeText("hi"));
    }

    @Test
    void unknownContentTypesAreReportedNotRefused() throws Exception {
        assertEquals(new Content.Unknown(9), Content.decode(new byte[] {1, 9, 1, 2, 3}));
    }

    @Test
    void malformedBodiesAreRefused() {
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(new byte[0]));
        assertThrows(
                Content.MalformedContentException.class, () -> Content.decode(new byte[] {2, 1}));
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(new byte[] {1, 1, (byte) 0xc3}));
    }

    @Test
    void textNeverShowsUpInToString() {
        assertFalse(new Content.Text("secret words").toString().contains("secret"));
    }
}
