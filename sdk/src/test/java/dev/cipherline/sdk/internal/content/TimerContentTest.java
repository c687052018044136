package dev.cipherline.sdk.internal.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The timer setting's encoding (content type 0x1A), as PROTOCOL.md writes it. */
class TimerContentTest {
    private static final String PEER = "b".repeat(32);
    private static final String GROUP = "00112233445566778899aabbccddeeff";

    @Test
    void bothScopesRoundTrip() throws Exception {
        for (Content.TimerSetting s :
                new Content.TimerSetting[] {
                    new Content.TimerSetting(PEER, null, 3600, 1_700_000_000_000L),
                    new Content.TimerSetting(null, GROUP, 0, 0),
                    new Content.TimerSetting(PEER, null, TimerContent.MAX_SECONDS, Long.MAX_VALUE)
                }) {
            assertEquals(s, Content.decode(TimerContent.encode(s)));
        }
    }

    @Test
    void theBytesAreThoseThePageDocuments() {
        byte[] group = TimerContent.encode(new Content.TimerSetting(null, GROUP, 3600, 1));
        byte[] expected = new byte[2 + 1 + 16 + 4 + 8];
        expected[0] = 1;
        expected[1] = 0x1A;
        expected[2] = 2;
        for (int i = 0; i < 16; i++) {
            expected[3 + i] = (byte) (i * 0x11);
        }
        expected[19 + 2] = 0x0E;
        expected[19 + 3] = 0x10;
        expected[expected.length - 1] = 1;
        assertArrayEquals(expected, group);

        byte[] conversation = TimerContent.encode(new Content.TimerSetting(PEER, null, 0, 0));
        assertEquals(1 + 32, conversation[3] + 1);
        assertEquals(PEER, new String(conversation, 4, 32, StandardCharsets.US_ASCII));
        assertEquals(2 + 1 + 33 + 12, conversation.length);
    }

    @Test
    void malformedSettingsAreRefusedAndLaterFieldsIgnored() throws Exception {
        byte[] ok = TimerContent.encode(new Content.TimerSetting(PEER, null, 60, 5));
        assertThrows(
                Content.MalformedContentException.class,
                () -> Content.decode(Arrays.copyOf(ok, ok.length - 1)),
                "truncated");
        byte[] tooLong = ok.clone();
        // seconds = 365 days + 1
        long over = TimerContent.MAX_SECONDS + 1;
        int at = 4 + 32;
        tooLong[at] = (byte) (over >>> 24);
        tooLong[at + 1] = (byte) (over >>> 16);
        tooLong[at + 2] = (byte) (over >>> 8);
        tooLong[at + 3] = (byte) over;
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(tooLong));
        byte[] badPeer = ok.clone();
        badPeer[4] = '!';
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(badPeer));
        byte[] negativeTime = ok.clone();
        negativeTime[at + 4] = (byte) 0x80;
        assertThrows(Content.MalformedContentException.class, () -> Content.decode(negativeTime));

        assertEquals(
                new Content.Unknown(Content.TYPE_TIMER_SETTING),
                Content.decode(new byte[] {1, 0x1A, 9}),
                "a scope from a newer sender");
        byte[] longer = Arrays.copyOf(ok, ok.length + 3);
        assertEquals(Content.decode(ok), Content.decode(longer));
        assertThrows(
                IllegalArgumentException.class,
                () -> TimerContent.encode(new Content.TimerSetting(PEER, null, -1, 0)));
    }
}
