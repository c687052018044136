package dev.cipherline.cli.internal.output;

import io.nayuki.qrcodegen.QrCode;

/**
 * Draws a QR code as text, two rows of modules per line with Unicode half blocks, light modules as
 * blocks (for the usual light-on-dark terminal) and a quiet zone of two modules around it.
 */
public final class QrText {
    private static final int QUIET = 2;

    private QrText() {}

    /** The QR code of {@code text} (byte mode, error correction L), as lines of text. */
    public static String draw(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.LOW);
        int size = qr.size;
        StringBuilder out = new StringBuilder();
        for (int y = -QUIET; y < size + QUIET; y += 2) {
            for (int x = -QUIET; x < size + QUIET; x++) {
                boolean top = light(qr, x, y);
                boolean bottom = light(qr, x, y + 1);
                out.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static boolean light(QrCode qr, int x, int y) {
        boolean inside = x >= 0 && y >= 0 && x < qr.size && y < qr.size;
        return !inside || !qr.getModule(x, y);
    }
}
