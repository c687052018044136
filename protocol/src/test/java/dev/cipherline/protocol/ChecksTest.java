package dev.cipherline.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChecksTest {
    @Test
    void tokensAreOneToSixtyFourAsciiLettersDigitsUnderscoresAndDashes() {
        assertTrue(Checks.isToken("a"));
        assertTrue(Checks.isToken("Msg_01-zZ9"));
        assertTrue(Checks.isToken("x".repeat(64)));

        assertFalse(Checks.isToken(""));
        assertFalse(Checks.isToken("x".repeat(65)));
        for (String bad : new String[] {"a b", "a.b", "a/b", "é", "a\u0000", "ａ", "a+b", "٣"}) {
            assertFalse(Checks.isToken(bad), bad);
        }
    }

    @Test
    void aBadTokenNamesTheField() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> Checks.token("a b", "clientMsgId"));
        assertTrue(e.getMessage().contains("'clientMsgId'"), e.getMessage());
    }
}
