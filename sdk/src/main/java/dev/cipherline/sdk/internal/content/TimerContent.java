package dev.cipherline.sdk.internal.content;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.sdk.internal.Compat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The encoding of a disappearing-message timer setting ({@link Content.TimerSetting}, content type
 * {@code 0x1A}; PROTOCOL.md, "Disappearing messages"), after the body's version and type bytes:
 *
 * <pre>
 *   u8  scope: 1 = a 1:1 conversation, then u8 length (1..255) + the account ID of the
 *              conversation's other side as the setter sees it;
 *              2 = a group, then the 16-byte group ID
 *   u32 seconds: 0 = off, else {@value #MIN_SECONDS}..{@value #MAX_SECONDS}
 *   i64 setAt:   when the setter set it, its clock, epoch milliseconds (0..2^63-1)
 * </pre>
 *
 * Bytes after {@code setAt} are ignored, so a later version may append fields; a scope this build
 * does not know is an unknown content (acknowledged and ignored).
 */
public final class TimerContent {
    /** Scope byte of a 1:1 conversation. */
    static final int SCOPE_CONVERSATION = 1;

    /** Scope byte of a group. */
    static final int SCOPE_GROUP = 2;

    /** The shortest timer, in seconds. */
    public static final long MIN_SECONDS = 1;

    /** The longest timer, in seconds: 365 days. */
    public static final long MAX_SECONDS = 365L * 24 * 3600;

    private TimerContent() {}

    /** Whether {@code seconds} is a timer this protocol carries: 0 (off) or in range. */
    public static boolean valid(long seconds) {
        return seconds == 0 || (seconds >= MIN_SECONDS && seconds <= MAX_SECONDS);
    }

    /** Encodes a timer setting. */
    public static byte[] encode(Content.TimerSetting setting) {
        if (!valid(setting.seconds()) || setting.setAt() < 0) {
            throw new IllegalArgumentException("not a timer setting this protocol carries");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(80);
        out.write(Content.VERSION);
        out.write(Content.TYPE_TIMER_SETTING);
        if (setting.groupId() == null) {
            out.write(SCOPE_CONVERSATION);
            byte[] peer = setting.peer().getBytes(StandardCharsets.US_ASCII);
            out.write(peer.length);
            Compat.writeBytes(out, peer);
        } else {
            out.write(SCOPE_GROUP);
            Compat.writeBytes(out, Compat.unhex(setting.groupId()));
        }
        Compat.writeBytes(
                out,
                ByteBuffer.allocate(12)
                        .putInt((int) setting.seconds())
                        .putLong(setting.setAt())
                        .array());
        return out.toByteArray();
    }

    /**
     * Decodes a timer setting.
     *
     * @throws Content.MalformedContentException if it is truncated, names an invalid account ID, or
     *     its seconds or time are out of range
     */
    static Content decode(byte[] body) throws Content.MalformedContentException {
        if (body.length < 3) {
            throw new Content.MalformedContentException("the timer setting is truncated");
        }
        int scope = body[2] & 0xff;
        int at = 3;
        String peer = null;
        String groupId = null;
        if (scope == SCOPE_CONVERSATION) {
            int length = at < body.length ? body[at] & 0xff : -1;
            if (length < 1 || body.length < at + 1 + length) {
                throw new Content.MalformedContentException("the timer setting is truncated");
            }
            peer = new String(body, at + 1, length, StandardCharsets.ISO_8859_1);
            if (!AccountIds.isValid(peer)) {
                throw new Content.MalformedContentException(
                        "the timer setting names an invalid account ID");
            }
            at += 1 + length;
        } else if (scope == SCOPE_GROUP) {
            if (body.length < at + 16) {
                throw new Content.MalformedContentException("the timer setting is truncated");
            }
            groupId = Compat.hex(body, at, at + 16);
            at += 16;
        } else {
            // a scope from a newer sender: nothing this build could do with it
            return new Content.Unknown(Content.TYPE_TIMER_SETTING);
        }
        if (body.length < at + 12) {
            throw new Content.MalformedContentException("the timer setting is truncated");
        }
        ByteBuffer in = ByteBuffer.wrap(body, at, 12);
        long seconds = in.getInt() & 0xffffffffL;
        long setAt = in.getLong();
        if (!valid(seconds)) {
            throw new Content.MalformedContentException(
                    "the timer must be 0 or " + MIN_SECONDS + ".." + MAX_SECONDS + " seconds");
        }
        if (setAt < 0) {
            throw new Content.MalformedContentException("the timer setting has no time");
        }
        return new Content.TimerSetting(peer, groupId, seconds, setAt);
    }
}
