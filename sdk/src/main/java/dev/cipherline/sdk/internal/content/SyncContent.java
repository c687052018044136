package dev.cipherline.sdk.internal.content;

import dev.cipherline.protocol.AccountIds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The encodings of the content a device sends only to its own account's other devices (PROTOCOL.md,
 * "Own devices"), after the body's version and type bytes:
 *
 * <pre>
 *   8  sent transcript: u8 length + destination account ID, then the original body (its version
 *                       byte, content type and content) to the end
 *   9  read sync:       u8 scope (1 = a 1:1 conversation, 2 = a group), then for 1: u8 length +
 *                       the peer's account ID, for 2: the 16-byte group ID; then u8 length (1..64)
 *                       + the client message ID of the newest incoming message read
 *   10 device hello:    nothing (bytes after it are ignored)
 * </pre>
 */
public final class SyncContent {
    /** Read-sync scope byte of a 1:1 conversation. */
    static final int SCOPE_CONVERSATION = 1;

    /** Read-sync scope byte of a group. */
    static final int SCOPE_GROUP = 2;

    private SyncContent() {}

    /** Encodes a sent transcript of {@code body} (an encoded content) sent to {@code to}. */
    public static byte[] encodeTranscript(String to, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + to.length() + 3);
        out.write(Content.VERSION);
        out.write(Content.TYPE_SENT_TRANSCRIPT);
        writeAscii8(out, to);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Encodes a read sync. */
    public static byte[] encodeReadSync(Content.ReadSync sync) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(100);
        out.write(Content.VERSION);
        out.write(Content.TYPE_READ_SYNC);
        if (sync.groupId() == null) {
            out.write(SCOPE_CONVERSATION);
            writeAscii8(out, sync.peer());
        } else {
            out.write(SCOPE_GROUP);
            out.writeBytes(HexFormat.of().parseHex(sync.groupId()));
        }
        writeAscii8(out, sync.newestRead());
        return out.toByteArray();
    }

    /** Encodes a device hello. */
    public static byte[] encodeDeviceHello() {
        return new byte[] {Content.VERSION, Content.TYPE_DEVICE_HELLO};
    }

    static Content decodeTranscript(byte[] body) throws Content.MalformedContentException {
        int at = 2;
        if (body.length < at + 1) {
            throw new Content.MalformedContentException("the sent transcript is truncated");
        }
        int length = body[at] & 0xff;
        at++;
        if (body.length < at + length + 2) {
            throw new Content.MalformedContentException("the sent transcript is truncated");
        }
        String to = new String(body, at, length, StandardCharsets.ISO_8859_1);
        if (!AccountIds.isValid(to)) {
            throw new Content.MalformedContentException(
                    "the sent transcript names an invalid account ID");
        }
        return new Content.SentTranscript(to, Arrays.copyOfRange(body, at + length, body.length));
    }

    static Content decodeReadSync(byte[] body) throws Content.MalformedContentException {
        if (body.length < 3) {
            throw new Content.MalformedContentException("the read sync is truncated");
        }
        int scope = body[2] & 0xff;
        int at = 3;
        String peer = null;
        String groupId = null;
        if (scope == SCOPE_CONVERSATION) {
            peer = readAscii8(body, at, "the read sync");
            at += 1 + peer.length();
            if (!AccountIds.isValid(peer)) {
                throw new Content.MalformedContentException(
                        "the read sync names an invalid account ID");
            }
        } else if (scope == SCOPE_GROUP) {
            if (body.length < at + 16) {
                throw new Content.MalformedContentException("the read sync is truncated");
            }
            groupId = HexFormat.of().formatHex(body, at, at + 16);
            at += 16;
        } else {
            // a scope from a newer sender: nothing this build could do with it
            return new Content.Unknown(Content.TYPE_READ_SYNC);
        }
        String newest = readAscii8(body, at, "the read sync");
        if (!Content.CLIENT_MSG_ID.matcher(newest).matches()) {
            throw new Content.MalformedContentException("the read sync names no message");
        }
        return new Content.ReadSync(peer, groupId, newest);
    }

    private static String readAscii8(byte[] body, int at, String what)
            throws Content.MalformedContentException {
        if (body.length < at + 1 || body.length < at + 1 + (body[at] & 0xff)) {
            throw new Content.MalformedContentException(what + " is truncated");
        }
        return new String(body, at + 1, body[at] & 0xff, StandardCharsets.ISO_8859_1);
    }

    private static void writeAscii8(ByteArrayOutputStream out, String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }
}
