package dev.cipherline.sdk.internal.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the inner content decoder, which reads the body of every envelope that decrypted
 * (so its input is chosen by a peer). Whatever the bytes, {@link Content#decode} returns a value or
 * throws {@link Content.MalformedContentException}, never anything else; and every value it returns
 * encodes to a body that decodes to the same value.
 *
 * <p>A normal build runs the checked-in inputs under {@code ContentFuzzTestInputs} (regression
 * mode); {@code JAZZER_FUZZ=1} fuzzes. See docs/RELIABILITY.md.
 */
class ContentFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void decodeBodies(byte[] body) throws Exception {
        Content content;
        try {
            content = Content.decode(body);
        } catch (Content.MalformedContentException e) {
            return;
        }
        byte[] again = null;
        if (content instanceof Content.Text t) {
            again = Content.encodeText(t.text());
        } else if (content instanceof Content.Receipt r) {
            again = Content.encodeReceipt(r);
        } else if (content instanceof Content.Typing t) {
            again = Content.encodeTyping(t.typing());
        } else if (content instanceof Content.GroupText g) {
            again = Content.encodeGroupText(g.seq(), g.text());
        } else if (content instanceof Content.GroupUpdate u) {
            again = Content.encodeGroupUpdate(u);
        } else if (content instanceof Content.GroupLeave l) {
            again = Content.encodeGroupLeave(l.groupId());
        } else if (content instanceof Content.SenderKey k) {
            again = Content.encodeSenderKey(k.groupId(), k.distribution());
        }
        if (again != null) {
            Content decoded = Content.decode(again);
            if (content instanceof Content.SenderKey k) {
                Content.SenderKey d = (Content.SenderKey) decoded;
                assertEquals(k.groupId(), d.groupId());
                assertEquals(
                        java.util.HexFormat.of().formatHex(k.distribution()),
                        java.util.HexFormat.of().formatHex(d.distribution()));
            } else {
                assertEquals(content, decoded);
            }
        }
    }
}
