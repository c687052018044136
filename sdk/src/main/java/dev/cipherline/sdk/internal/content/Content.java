package dev.cipherline.sdk.internal.content;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a message says, as encoded in the body of the sealed inner payload (opaque to the relay and
 * to the crypto module):
 *
 * <pre>
 *   u8  version = 1
 *   u8  content type (1 = text)
 *   ... type-specific bytes; for text: the UTF-8 text, to the end of the body
 * </pre>
 *
 * A receiver keeps the version byte to refuse bodies it cannot read, and reports content types it
 * does not know as {@link Unknown} so that newer senders (receipts, attachments) do not break it.
 */
public sealed interface Content {
    /** The body format version this build writes and reads. */
    int VERSION = 1;

    /** Content type byte of {@link Text}. */
    int TYPE_TEXT = 1;

    /** A text message. */
    record Text(String text) implements Content {
        /** Does not print the text: message content never goes to logs. */
        @Override
        public String toString() {
            return "Text[" + text.length() + " chars]";
        }
    }

    /** A content type this build does not know; its bytes are ignored. */
    record Unknown(int type) implements Content {}

    /** Encodes a text message. */
    static byte[] encodeText(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 2);
        out.write(VERSION);
        out.write(TYPE_TEXT);
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    /**
     * Decodes a body.
     *
     * @throws MalformedContentException if the body is empty, has another version, or its text is
     *     not valid UTF-8
     */
    static Content decode(byte[] body) throws MalformedContentException {
        if (body.length < 2) {
            throw new MalformedContentException("the message body is truncated");
        }
        if ((body[0] & 0xff) != VERSION) {
            throw new MalformedContentException(
                    "the message body has unsupported version " + (body[0] & 0xff));
        }
        int type = body[1] & 0xff;
        if (type != TYPE_TEXT) {
            return new Unknown(type);
        }
        try {
            String text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(body, 2, body.length - 2))
                            .toString();
            return new Text(text);
        } catch (CharacterCodingException e) {
            throw new MalformedContentException("the message text is not valid UTF-8");
        }
    }

    /** A body that cannot be read. */
    final class MalformedContentException extends Exception {
        public MalformedContentException(String message) {
            super(message);
        }
    }
}
