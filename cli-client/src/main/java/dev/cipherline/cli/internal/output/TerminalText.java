package dev.cipherline.cli.internal.output;

/**
 * Makes text that came from someone else harmless on a terminal: it can neither span lines nor send
 * escape sequences.
 */
public final class TerminalText {
    private TerminalText() {}

    /**
     * Returns {@code text} with line breaks, other control characters and bidirectional overrides
     * written as visible escapes ({@code \n}, {@code \u001b}); tabs are kept.
     */
    public static String safe(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                safe.append("\\n");
            } else if (c == '\r') {
                safe.append("\\r");
            } else if (c != '\t' && isUnsafe(c)) {
                safe.append(String.format("\\u%04x", (int) c));
            } else {
                safe.append(c);
            }
        }
        return safe.toString();
    }

    private static boolean isUnsafe(char c) {
        return Character.isISOControl(c)
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
