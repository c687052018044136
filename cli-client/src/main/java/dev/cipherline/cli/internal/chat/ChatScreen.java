package dev.cipherline.cli.internal.chat;

import java.io.StringWriter;
import org.jline.reader.LineReader;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Curses;
import org.jline.utils.InfoCmp.Capability;

/**
 * Draws frames on the terminal. Each frame replaces the whole screen above the input line through
 * {@link LineReader#printAbove}, which keeps what the user is typing intact and redraws it below;
 * the header and the status line are shown in reverse video.
 */
final class ChatScreen {
    private final Terminal terminal;
    private final LineReader reader;

    ChatScreen(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    /** The terminal's current size, 80x24 when it does not know. */
    Size size() {
        Size size = terminal.getSize();
        return size.getColumns() <= 0 || size.getRows() <= 0 ? new Size(80, 24) : size;
    }

    /** Replaces the screen with {@code frame}; the input line is drawn again under it. */
    void draw(ScreenRenderer.Frame frame, int width) {
        StringBuilder text = new StringBuilder(clearScreen());
        text.append(bar(frame.header(), width)).append('\n');
        for (String line : frame.body()) {
            text.append(line).append('\n');
        }
        text.append(bar(frame.status(), width));
        reader.printAbove(text.toString());
    }

    private String bar(String line, int width) {
        String padded = line.length() < width ? line + " ".repeat(width - line.length()) : line;
        return new AttributedString(padded, AttributedStyle.INVERSE).toAnsi(terminal);
    }

    private String clearScreen() {
        String capability = terminal.getStringCapability(Capability.clear_screen);
        if (capability == null) {
            return "";
        }
        StringWriter clear = new StringWriter();
        Curses.tputs(clear, capability);
        return clear.toString();
    }
}
