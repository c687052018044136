package dev.cipherline.sdk.internal.content;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.sdk.internal.Compat;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a file message carries end to end: where the encrypted file is on the relay, the key that
 * decrypts it, the digest that proves it is the sender's, and what the sender says it is. Encoded
 * (content types {@code 0x1B} and {@code 0x1C}, after the type and a group file's sequence number)
 * as:
 *
 * <pre>
 *   u8  length (43) + blob ID, ASCII base64url
 *   32 bytes  the file key (AES-256)
 *   32 bytes  SHA-256 of the whole ciphertext as stored on the relay
 *   u64 the plaintext size in bytes
 *   u64 when the relay deletes the blob, Unix milliseconds
 *   u16 length (1..{@value #MAX_NAME_BYTES}) + the file name the sender gave, UTF-8
 *   u8  length (0..{@value #MAX_TYPE_BYTES}) + its media type, ASCII (may be empty)
 *   the caption, UTF-8, to the end (may be empty)
 * </pre>
 *
 * A receiver never uses the name as a path: see {@code FileNames}.
 *
 * @param key the 32-byte file key: secret, never logged or printed
 */
public record FileRef(
        String blobId,
        byte[] key,
        byte[] digest,
        long size,
        long expiresAt,
        String name,
        String mediaType,
        String caption) {
    /** The most UTF-8 bytes of a file name. */
    public static final int MAX_NAME_BYTES = 1024;

    /** The most bytes of a media type. */
    public static final int MAX_TYPE_BYTES = 127;

    /** Checks the fields. */
    public FileRef {
        if (!Blobs.isId(blobId)) {
            throw new IllegalArgumentException("not a blob ID");
        }
        if (key == null || key.length != 32 || digest == null || digest.length != 32) {
            throw new IllegalArgumentException("the key and digest must be 32 bytes each");
        }
        if (size < 0 || expiresAt < 0) {
            throw new IllegalArgumentException("a size or time is negative");
        }
        Objects.requireNonNull(name, "name");
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes < 1 || nameBytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "a file name must be 1.." + MAX_NAME_BYTES + " bytes of UTF-8");
        }
        Objects.requireNonNull(mediaType, "mediaType");
        if (mediaType.length() > MAX_TYPE_BYTES
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(mediaType)) {
            throw new IllegalArgumentException("a media type must be at most 127 ASCII characters");
        }
        Objects.requireNonNull(caption, "caption");
    }

    /** Writes the fields as above. */
    void write(ByteArrayOutputStream out) {
        byte[] id = blobId.getBytes(StandardCharsets.US_ASCII);
        out.write(id.length);
        Compat.writeBytes(out, id);
        Compat.writeBytes(out, key);
        Compat.writeBytes(out, digest);
        Compat.writeBytes(out, ByteBuffer.allocate(16).putLong(size).putLong(expiresAt).array());
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        out.write(n.length >>> 8);
        out.write(n.length & 0xff);
        Compat.writeBytes(out, n);
        byte[] t = mediaType.getBytes(StandardCharsets.US_ASCII);
        out.write(t.length);
        Compat.writeBytes(out, t);
        Compat.writeBytes(out, caption.getBytes(StandardCharsets.UTF_8));
    }

    /** The fields alone, as {@link #write} writes them (what the local store keeps). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(200);
        write(out);
        return out.toByteArray();
    }

    /** Reads the fields from {@code in} to its end. */
    static FileRef read(ByteBuffer in) throws Content.MalformedContentException {
        try {
            byte[] id = new byte[in.get() & 0xff];
            in.get(id);
            byte[] key = new byte[32];
            in.get(key);
            byte[] digest = new byte[32];
            in.get(digest);
            long size = in.getLong();
            long expiresAt = in.getLong();
            byte[] name = new byte[in.getShort() & 0xffff];
            in.get(name);
            byte[] type = new byte[in.get() & 0xff];
            in.get(type);
            byte[] caption = new byte[in.remaining()];
            in.get(caption);
            return new FileRef(
                    new String(id, StandardCharsets.ISO_8859_1),
                    key,
                    digest,
                    size,
                    expiresAt,
                    utf8(name),
                    new String(type, StandardCharsets.ISO_8859_1),
                    utf8(caption));
        } catch (BufferUnderflowException e) {
            throw new Content.MalformedContentException("the file message is truncated");
        } catch (IllegalArgumentException e) {
            throw new Content.MalformedContentException(
                    "the file message is malformed: " + e.getMessage());
        }
    }

    /** Reads a stored {@link #encode()}. */
    public static FileRef decode(byte[] fields) throws Content.MalformedContentException {
        return read(ByteBuffer.wrap(fields));
    }

    private static String utf8(byte[] bytes) throws Content.MalformedContentException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Content.MalformedContentException("the file message has invalid UTF-8");
        }
    }

    /** Names the blob without the key, name or caption. */
    @Override
    public String toString() {
        return "FileRef[" + size + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileRef f && java.util.Arrays.equals(encode(), f.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }
}
