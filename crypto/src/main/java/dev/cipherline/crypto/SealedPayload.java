package dev.cipherline.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The sealed inner payload: the plaintext that goes through libsignal, carrying an authenticated
 * copy of every header field the relay can see, followed by the SDK's body.
 *
 * <p>Format, big-endian, {@code str} = u16 length + UTF-8 bytes:
 *
 * <pre>
 * u8  version (1 or 2)
 * u8  kind (0 = message, 1 = ephemeral)
 * str sender accountId
 * u16 senderDevice
 * str recipient accountId
 * u16 recipientDevice (0 = any device of the recipient)
 * str clientMsgId
 * i64 sentAt (epoch ms, sender clock)
 * i64 expiresAt (epoch ms)
 * u64 senderDeviceListVersion   (version 2 only)
 * u32 body length + body bytes
 * </pre>
 *
 * <p>Version 2 adds the version of the sender account's signed device list as the sending device
 * knew it (0: the account has none), so that a receiver learns of a newer list than the relay hands
 * out; {@link #open} reads both versions (version 1 as list version 0).
 *
 * <p>The receiver opens the payload and then calls {@link #checkBinding} to compare the inner
 * header with the relay's outer envelope, so that a relay that rewrites, re-addresses or replays an
 * envelope is detected.
 */
public final class SealedPayload {
    /** The format version written by {@link #seal(Header, byte[])}. */
    public static final int VERSION = 1;

    /**
     * The format version written by {@link #seal(Header, long, byte[])}: with the sender's device
     * list version.
     */
    public static final int VERSION_WITH_DEVICE_LIST = 2;

    /** {@code kind} of a stored message. */
    public static final int KIND_MESSAGE = 0;

    /** {@code kind} of an ephemeral message (typing, presence), never stored by the relay. */
    public static final int KIND_EPHEMERAL = 1;

    /** {@code recipientDevice} meaning "any device of the recipient". */
    public static final int ANY_DEVICE = 0;

    /** The most UTF-8 bytes in a string field. */
    public static final int MAX_STRING_BYTES = 255;

    /** How the inner {@code recipient} of a group message starts; see {@link #groupRecipient}. */
    public static final String GROUP_RECIPIENT_PREFIX = "group:";

    private static final int MAX_U16 = 0xffff;

    private SealedPayload() {}

    /**
     * The authenticated inner header.
     *
     * @param kind {@link #KIND_MESSAGE} or {@link #KIND_EPHEMERAL}
     * @param sender the sender's account ID
     * @param senderDevice the sender's device ID, {@code 0..65535}
     * @param recipient the recipient's account ID
     * @param recipientDevice the recipient's device ID, or {@link #ANY_DEVICE}
     * @param clientMsgId the sender's message ID, also the relay's idempotency key
     * @param sentAt when the sender sent it, epoch milliseconds by the sender's clock
     * @param expiresAt when it expires, epoch milliseconds
     */
    public record Header(
            int kind,
            String sender,
            int senderDevice,
            String recipient,
            int recipientDevice,
            String clientMsgId,
            long sentAt,
            long expiresAt) {

        /**
         * Checks that every field fits the format.
         *
         * @throws IllegalArgumentException if a field is null or out of range
         */
        public Header {
            if (kind != KIND_MESSAGE && kind != KIND_EPHEMERAL) {
                throw new IllegalArgumentException("kind must be 0 (message) or 1 (ephemeral)");
            }
            requireString(sender, "sender");
            requireString(recipient, "recipient");
            requireString(clientMsgId, "clientMsgId");
            requireU16(senderDevice, "senderDevice");
            requireU16(recipientDevice, "recipientDevice");
        }

        private static void requireString(String value, String field) {
            Objects.requireNonNull(value, field);
            if (value.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException(
                        field + " is longer than " + MAX_STRING_BYTES + " UTF-8 bytes");
            }
        }

        private static void requireU16(int value, String field) {
            if (value < 0 || value > MAX_U16) {
                throw new IllegalArgumentException(field + " must be 0.." + MAX_U16);
            }
        }
    }

    /**
     * An opened payload. {@link #toString()} prints the header and the body's length, never the
     * body.
     *
     * @param header the authenticated inner header
     * @param body the SDK's content encoding
     * @param senderDeviceListVersion the version of the sender account's signed device list the
     *     sending device knew (version-2 payloads), or 0
     */
    public record Opened(Header header, byte[] body, long senderDeviceListVersion) {
        /** Copies the body. */
        public Opened {
            Objects.requireNonNull(header, "header");
            body = Objects.requireNonNull(body, "body").clone();
        }

        /** A payload that carries no device list version (version 1). */
        public Opened(Header header, byte[] body) {
            this(header, body, 0);
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opened other
                    && header.equals(other.header)
                    && senderDeviceListVersion == other.senderDeviceListVersion
                    && Arrays.equals(body, other.body);
        }

        @Override
        public int hashCode() {
            return 31 * header.hashCode() + Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "Opened[header=" + header + ", body=" + body.length + " bytes]";
        }
    }

    /** Encodes {@code header} and {@code body} as a version-1 payload. */
    public static byte[] seal(Header header, byte[] body) {
        return seal(VERSION, header, 0, body);
    }

    /**
     * Encodes {@code header}, the version of the sender account's signed device list ({@code 0} if
     * it has none) and {@code body} as a version-2 payload.
     *
     * @throws IllegalArgumentException if {@code senderDeviceListVersion} is negative
     */
    public static byte[] seal(Header header, long senderDeviceListVersion, byte[] body) {
        if (senderDeviceListVersion < 0) {
            throw new IllegalArgumentException("a device list version is not negative");
        }
        return seal(VERSION_WITH_DEVICE_LIST, header, senderDeviceListVersion, body);
    }

    private static byte[] seal(int version, Header header, long listVersion, byte[] body) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        ByteArrayOutputStream out = new ByteArrayOutputStream(136 + body.length);
        out.write(version);
        out.write(header.kind());
        writeString(out, header.sender());
        writeU16(out, header.senderDevice());
        writeString(out, header.recipient());
        writeU16(out, header.recipientDevice());
        writeString(out, header.clientMsgId());
        writeI64(out, header.sentAt());
        writeI64(out, header.expiresAt());
        if (version == VERSION_WITH_DEVICE_LIST) {
            writeI64(out, listVersion);
        }
        writeU32(out, body.length);
        out.write(body, 0, body.length); // not writeBytes (Java 11): Android 26 lacks it
        return out.toByteArray();
    }

    /**
     * Decodes a payload produced by {@link #seal}.
     *
     * @throws CryptoException with {@link CryptoException.Reason#MALFORMED} if the version or kind
     *     is unknown, a string is too long or not UTF-8, or the input is truncated or has trailing
     *     bytes
     */
    public static Opened open(byte[] plaintext) throws CryptoException {
        Objects.requireNonNull(plaintext, "plaintext");
        ByteBuffer in = ByteBuffer.wrap(plaintext);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION && version != VERSION_WITH_DEVICE_LIST) {
                throw malformed("unknown payload version " + version);
            }
            int kind = in.get() & 0xff;
            if (kind != KIND_MESSAGE && kind != KIND_EPHEMERAL) {
                throw malformed("unknown kind " + kind);
            }
            String sender = readString(in, "sender");
            int senderDevice = in.getShort() & MAX_U16;
            String recipient = readString(in, "recipient");
            int recipientDevice = in.getShort() & MAX_U16;
            String clientMsgId = readString(in, "clientMsgId");
            long sentAt = in.getLong();
            long expiresAt = in.getLong();
            long listVersion = version == VERSION_WITH_DEVICE_LIST ? in.getLong() : 0;
            if (listVersion < 0) {
                throw malformed("the device list version is out of range");
            }
            long bodyLength = in.getInt() & 0xffffffffL;
            if (bodyLength != in.remaining()) {
                throw malformed(
                        bodyLength > in.remaining()
                                ? "body is truncated"
                                : "payload has trailing bytes");
            }
            byte[] body = new byte[(int) bodyLength];
            in.get(body);
            Header header =
                    new Header(
                            kind,
                            sender,
                            senderDevice,
                            recipient,
                            recipientDevice,
                            clientMsgId,
                            sentAt,
                            expiresAt);
            return new Opened(header, body, listVersion);
        } catch (BufferUnderflowException e) {
            throw malformed("payload is truncated");
        }
    }

    /**
     * Checks that the authenticated inner header agrees with the relay's outer envelope: same
     * sender, sender device, client message ID and kind; addressed to this account and to this
     * device or to any device; and the outer expiry no later than the inner one.
     *
     * @throws CryptoException with {@link CryptoException.Reason#HEADER_MISMATCH} whose message
     *     names the first field that disagrees ({@code sender}, {@code senderDevice}, {@code
     *     recipient}, {@code recipientDevice}, {@code clientMsgId}, {@code kind} or {@code
     *     expiresAt})
     */
    public static void checkBinding(
            Header inner,
            String outerSender,
            int outerSenderDevice,
            String ownAccount,
            int ownDevice,
            String outerClientMsgId,
            int outerKind,
            long outerExpiresAt)
            throws CryptoException {
        Objects.requireNonNull(inner, "inner");
        if (!inner.sender().equals(outerSender)) {
            throw mismatch("sender");
        }
        if (inner.senderDevice() != outerSenderDevice) {
            throw mismatch("senderDevice");
        }
        if (!inner.recipient().equals(ownAccount)) {
            throw mismatch("recipient");
        }
        if (inner.recipientDevice() != ANY_DEVICE && inner.recipientDevice() != ownDevice) {
            throw mismatch("recipientDevice");
        }
        if (!inner.clientMsgId().equals(outerClientMsgId)) {
            throw mismatch("clientMsgId");
        }
        if (inner.kind() != outerKind) {
            throw mismatch("kind");
        }
        if (outerExpiresAt > inner.expiresAt()) {
            throw mismatch("expiresAt");
        }
    }

    /**
     * The inner {@code recipient} of a group message: {@value #GROUP_RECIPIENT_PREFIX} followed by
     * the group ID in lowercase hex. An account ID never contains a colon, so a group message can
     * never pass as a pairwise one, nor the other way round.
     */
    public static String groupRecipient(String groupIdHex) {
        Objects.requireNonNull(groupIdHex, "groupIdHex");
        return GROUP_RECIPIENT_PREFIX + groupIdHex;
    }

    /**
     * Checks a group message's inner header against the relay's outer envelope, like {@link
     * #checkBinding}, except that the inner recipient must be {@code expectedGroupRecipient} (the
     * group the sender key was distributed for, see {@link #groupRecipient}) with {@code
     * recipientDevice} {@link #ANY_DEVICE}.
     *
     * @throws CryptoException with {@link CryptoException.Reason#HEADER_MISMATCH} naming the first
     *     field that disagrees
     */
    public static void checkGroupBinding(
            Header inner,
            String outerSender,
            int outerSenderDevice,
            String expectedGroupRecipient,
            String outerClientMsgId,
            int outerKind,
            long outerExpiresAt)
            throws CryptoException {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(expectedGroupRecipient, "expectedGroupRecipient");
        if (!expectedGroupRecipient.startsWith(GROUP_RECIPIENT_PREFIX)) {
            throw new IllegalArgumentException("not a group recipient");
        }
        if (inner.recipientDevice() != ANY_DEVICE) {
            throw mismatch("recipientDevice");
        }
        checkBinding(
                inner,
                outerSender,
                outerSenderDevice,
                expectedGroupRecipient,
                ANY_DEVICE,
                outerClientMsgId,
                outerKind,
                outerExpiresAt);
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeU16(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void writeU16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    private static void writeU32(ByteArrayOutputStream out, int value) {
        writeU16(out, value >>> 16);
        writeU16(out, value & MAX_U16);
    }

    private static void writeI64(ByteArrayOutputStream out, long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
    }

    private static String readString(ByteBuffer in, String field) throws CryptoException {
        int length = in.getShort() & MAX_U16;
        if (length > MAX_STRING_BYTES) {
            throw malformed(field + " is longer than " + MAX_STRING_BYTES + " bytes");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(field + " is not UTF-8");
        }
    }

    private static CryptoException malformed(String message) {
        return new CryptoException(CryptoException.Reason.MALFORMED, message);
    }

    private static CryptoException mismatch(String field) {
        return new CryptoException(
                CryptoException.Reason.HEADER_MISMATCH,
                "inner header disagrees with the envelope on " + field);
    }
}
