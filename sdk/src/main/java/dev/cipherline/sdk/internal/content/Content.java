package dev.cipherline.sdk.internal.content;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.sdk.internal.Compat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a message says, as encoded in the body of the sealed inner payload (opaque to the relay and
 * to the crypto module):
 *
 * <pre>
 *   u8  version = 1
 *   u8  content type: 1 = text, 2 = receipt, 3 = typing, 4 = group text, 5 = group update,
 *                     6 = group leave, 7 = sender key
 *   text:    the UTF-8 text, to the end of the body
 *   receipt: u8 receipt type (1 = delivered, 2 = read), u16 count (1..{@value #MAX_RECEIPT_IDS}),
 *            then count times: u8 length (1..64), the client message ID in ASCII
 *   typing:  u8 1 = started typing, 0 = stopped
 *   group text:   u64 the sender device's sequence number in the group (from 1), UTF-8 text
 *   group update: 16 bytes group ID, u64 epoch, u8 length + admin account ID, u16 length + UTF-8
 *                 name, u16 count, then count times: u8 length + member account ID
 *   group leave:  16 bytes group ID
 *   sender key:   16 bytes group ID, libsignal SenderKeyDistributionMessage to the end
 *   8..13: to this account's own other devices, see {@link SyncContent}
 * </pre>
 *
 * Integers are big-endian. Bytes after a receipt's or a typing indicator's fields are ignored, so a
 * later version may append fields. A receiver keeps the version byte to refuse bodies it cannot
 * read, and reports content types it does not know as {@link Unknown} so that newer senders
 * (attachments…) do not break it.
 *
 * <p>Why one type of about 460 lines: it is the sealed family of content records with their one
 * wire encoding, kept together so the format is read in one place.
 */
public sealed interface Content {
    /**
     * Calls the method of {@code visitor} for this type of content: the exhaustive switch over the
     * sealed family (a new content type is a new visitor method, which every handler then writes).
     */
    <R> R accept(ContentVisitor<R> visitor);

    /** The body format version this build writes and reads. */
    int VERSION = 1;

    /** Content type byte of {@link Text}. */
    int TYPE_TEXT = 1;

    /** Content type byte of {@link Receipt}. */
    int TYPE_RECEIPT = 2;

    /** Content type byte of {@link Typing}. */
    int TYPE_TYPING = 3;

    /** Content type byte of {@link GroupText}. */
    int TYPE_GROUP_TEXT = 4;

    /** Content type byte of {@link GroupUpdate}. */
    int TYPE_GROUP_UPDATE = 5;

    /** Content type byte of {@link GroupLeave}. */
    int TYPE_GROUP_LEAVE = 6;

    /** Content type byte of {@link SenderKey}. */
    int TYPE_SENDER_KEY = 7;

    /** Content type byte of {@link SentTranscript}. */
    int TYPE_SENT_TRANSCRIPT = 8;

    /** Content type byte of {@link ReadSync}. */
    int TYPE_READ_SYNC = 9;

    /** Content type byte of {@link DeviceHello}. */
    int TYPE_DEVICE_HELLO = 10;

    /** Content type byte of {@link ContactSync}. */
    int TYPE_CONTACT_SYNC = 11;

    /** Content type byte of {@link VerifiedSync}. */
    int TYPE_VERIFIED_SYNC = 12;

    /** Content type byte of {@link DeleteSync}. */
    int TYPE_DELETE_SYNC = 13;

    /** Content type byte of {@link TimerSetting}. */
    int TYPE_TIMER_SETTING = 0x1A;

    /** The most members a group update lists. */
    int MAX_GROUP_MEMBERS = 1000;

    /** The most UTF-8 bytes of a group name. */
    int MAX_GROUP_NAME_BYTES = 200;

    /** The most client message IDs one receipt carries; more are split over several receipts. */
    int MAX_RECEIPT_IDS = 500;

    /** A text message. */
    record Text(String text) implements Content {
        /** Does not print the text: message content never goes to logs. */
        @Override
        public String toString() {
            return "Text[" + text.length() + " chars]";
        }

        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.text(this);
        }
    }

    /** What a receipt acknowledges. The byte values are part of the encoding. */
    enum ReceiptType {
        /** A device of the recipient stored the messages. */
        DELIVERED(1),
        /** The recipient's app marked the messages read. */
        READ(2);

        private final int code;

        ReceiptType(int code) {
            this.code = code;
        }

        /** The byte that encodes this type. */
        public int code() {
            return code;
        }

        /** The type encoded by {@code code}, or null for a code this build does not know. */
        public static ReceiptType of(int code) {
            for (ReceiptType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /** A delivery or read receipt for messages the receiver of the receipt sent. */
    record Receipt(ReceiptType type, List<String> clientMsgIds) implements Content {
        /** Copies the IDs; a receipt acknowledges 1..{@value #MAX_RECEIPT_IDS} valid IDs. */
        public Receipt {
            clientMsgIds = List.copyOf(clientMsgIds);
            if (clientMsgIds.isEmpty() || clientMsgIds.size() > MAX_RECEIPT_IDS) {
                throw new IllegalArgumentException(
                        "a receipt carries 1.." + MAX_RECEIPT_IDS + " message IDs");
            }
            for (String id : clientMsgIds) {
                if (!CLIENT_MSG_ID.matcher(id).matches()) {
                    throw new IllegalArgumentException("not a client message ID");
                }
            }
        }

        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.receipt(this);
        }
    }

    /** The sender started or stopped typing a message. */
    record Typing(boolean typing) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.typing(this);
        }
    }

    /** A text message to a group; the group is named by the sealed header's recipient. */
    record GroupText(long seq, String text) implements Content {
        /** Does not print the text. */
        @Override
        public String toString() {
            return "GroupText[seq=" + seq + ", " + text.length() + " chars]";
        }

        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.groupText(this);
        }
    }

    /**
     * A full membership snapshot of a group, by its admin (the sender). Snapshots are not deltas,
     * so a member that missed some still ends in the same state from the newest one.
     */
    record GroupUpdate(String groupId, long epoch, String admin, String name, List<String> members)
            implements Content {
        /** Copies the members. */
        public GroupUpdate {
            members = List.copyOf(members);
        }

        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.groupUpdate(this);
        }
    }

    /** The sender left the group (sent to the group's admin). */
    record GroupLeave(String groupId) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.groupLeave(this);
        }
    }

    /** The sender's sender key for a group, as a libsignal distribution message. */
    record SenderKey(String groupId, byte[] distribution) implements Content {
        /** Does not print key material. */
        @Override
        public String toString() {
            return "SenderKey[group=" + groupId + "]";
        }

        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.senderKey(this);
        }
    }

    /**
     * To this account's other devices: a message this device sent to {@code destination}, with
     * {@code content} the original body (version byte included) and the same client message ID.
     */
    record SentTranscript(String destination, byte[] content) implements Content {
        /** Does not print the content. */
        @Override
        public String toString() {
            return "SentTranscript[" + content.length + " bytes]";
        }

        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.sentTranscript(this);
        }
    }

    /**
     * To this account's other devices: the user read a 1:1 conversation with {@code peer} (when
     * {@code groupId} is null) or the group {@code groupId}, up to and including the incoming
     * message {@code newestRead}.
     */
    record ReadSync(String peer, String groupId, String newestRead) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.readSync(this);
        }
    }

    /**
     * To this account's other devices: this device exists, and is named {@code name} (null if it
     * has no name, or the name was not valid). Sent once by a device that is not the account's
     * first, so that the others start a session with it and copy what they send, with {@code
     * answer} set: every device that opens it answers with a hello of its own (without {@code
     * answer}), which tells the new device their names.
     */
    record DeviceHello(String name, boolean answer) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.deviceHello(this);
        }
    }

    /**
     * To this account's other devices: the contact named {@code name} is now {@code account}; with
     * {@code identityChange}, the user re-pointed an existing contact to a new account (an identity
     * change), else added or renamed one.
     */
    record ContactSync(String account, String name, boolean identityChange) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.contactSync(this);
        }
    }

    /** To this account's other devices: the user verified {@code account}'s identity key. */
    record VerifiedSync(String account, byte[] identityKey) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.verifiedSync(this);
        }
    }

    /**
     * To this account's other devices: the user deleted the message {@code clientMsgId} of the 1:1
     * conversation with {@code peer}, or the whole conversation if {@code clientMsgId} is null.
     */
    record DeleteSync(String peer, String clientMsgId) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.deleteSync(this);
        }
    }

    /**
     * The disappearing-message timer of a conversation, set by the sender at {@code setAt} (its
     * clock, epoch milliseconds) to {@code seconds} (0: off): of the 1:1 conversation with {@code
     * peer} as the sender sees it (so {@code peer} is the receiver, or for the sender's own other
     * devices the sender's peer), or of the group {@code groupId} if that is not null ({@code peer}
     * is then null). See {@link TimerContent}.
     */
    record TimerSetting(String peer, String groupId, long seconds, long setAt) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.timerSetting(this);
        }
    }

    /** A content type this build does not know; its bytes are ignored. */
    record Unknown(int type) implements Content {
        @Override
        public <R> R accept(ContentVisitor<R> visitor) {
            return visitor.unknown(this);
        }
    }

    /** The form of a client message ID (see the wire protocol). */
    Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Encodes a text message. */
    static byte[] encodeText(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 2);
        out.write(VERSION);
        out.write(TYPE_TEXT);
        Compat.writeBytes(out, utf8);
        return out.toByteArray();
    }

    /** Encodes a receipt. */
    static byte[] encodeReceipt(Receipt receipt) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(5 + 65 * receipt.clientMsgIds().size());
        out.write(VERSION);
        out.write(TYPE_RECEIPT);
        out.write(receipt.type().code());
        int count = receipt.clientMsgIds().size();
        out.write(count >>> 8);
        out.write(count & 0xff);
        for (String id : receipt.clientMsgIds()) {
            byte[] ascii = id.getBytes(StandardCharsets.US_ASCII);
            out.write(ascii.length);
            Compat.writeBytes(out, ascii);
        }
        return out.toByteArray();
    }

    /** Encodes a typing indicator. */
    static byte[] encodeTyping(boolean typing) {
        return new byte[] {VERSION, TYPE_TYPING, (byte) (typing ? 1 : 0)};
    }

    /** Encodes a group text message. */
    static byte[] encodeGroupText(long seq, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(utf8.length + 10);
        out.put((byte) VERSION).put((byte) TYPE_GROUP_TEXT).putLong(seq).put(utf8);
        return out.array();
    }

    /** Encodes a group membership snapshot. */
    static byte[] encodeGroupUpdate(GroupUpdate u) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 60 * u.members().size());
        out.write(VERSION);
        out.write(TYPE_GROUP_UPDATE);
        Compat.writeBytes(out, Compat.unhex(u.groupId()));
        Compat.writeBytes(out, ByteBuffer.allocate(8).putLong(u.epoch()).array());
        writeShort8(out, u.admin());
        byte[] name = u.name().getBytes(StandardCharsets.UTF_8);
        out.write(name.length >>> 8);
        out.write(name.length & 0xff);
        Compat.writeBytes(out, name);
        out.write(u.members().size() >>> 8);
        out.write(u.members().size() & 0xff);
        for (String m : u.members()) {
            writeShort8(out, m);
        }
        return out.toByteArray();
    }

    /** Encodes a group leave. */
    static byte[] encodeGroupLeave(String groupId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(18);
        out.write(VERSION);
        out.write(TYPE_GROUP_LEAVE);
        Compat.writeBytes(out, Compat.unhex(groupId));
        return out.toByteArray();
    }

    /** Encodes a sender key distribution. */
    static byte[] encodeSenderKey(String groupId, byte[] distribution) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(18 + distribution.length);
        out.write(VERSION);
        out.write(TYPE_SENDER_KEY);
        Compat.writeBytes(out, Compat.unhex(groupId));
        Compat.writeBytes(out, distribution);
        return out.toByteArray();
    }

    private static void writeShort8(ByteArrayOutputStream out, String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        Compat.writeBytes(out, bytes);
    }

    /**
     * Decodes a body.
     *
     * @throws MalformedContentException if the body is empty, has another version, its text is not
     *     valid UTF-8, or a receipt or typing indicator is truncated or malformed
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
        return switch (type) {
            case TYPE_TEXT -> decodeText(body);
            case TYPE_RECEIPT -> decodeReceipt(body);
            case TYPE_TYPING -> decodeTyping(body);
            case TYPE_GROUP_TEXT -> decodeGroupText(body);
            case TYPE_GROUP_UPDATE -> decodeGroupUpdate(body);
            case TYPE_GROUP_LEAVE -> new GroupLeave(groupId(body));
            case TYPE_SENDER_KEY ->
                    new SenderKey(groupId(body), Arrays.copyOfRange(body, 18, body.length));
            case TYPE_SENT_TRANSCRIPT -> SyncContent.decodeTranscript(body);
            case TYPE_READ_SYNC -> SyncContent.decodeReadSync(body);
            case TYPE_DEVICE_HELLO -> SyncContent.decodeDeviceHello(body);
            case TYPE_CONTACT_SYNC -> SyncContent.decodeContactSync(body);
            case TYPE_VERIFIED_SYNC -> SyncContent.decodeVerifiedSync(body);
            case TYPE_DELETE_SYNC -> SyncContent.decodeDeleteSync(body);
            case TYPE_TIMER_SETTING -> TimerContent.decode(body);
            default -> new Unknown(type);
        };
    }

    private static Content decodeText(byte[] body) throws MalformedContentException {
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

    private static Content decodeReceipt(byte[] body) throws MalformedContentException {
        ByteBuffer in = ByteBuffer.wrap(body, 2, body.length - 2);
        if (!in.hasRemaining()) {
            throw new MalformedContentException("the receipt is truncated");
        }
        ReceiptType type = ReceiptType.of(in.get() & 0xff);
        if (type == null) {
            // a receipt type from a newer sender: nothing this build could do with it
            return new Unknown(TYPE_RECEIPT);
        }
        if (in.remaining() < 2) {
            throw new MalformedContentException("the receipt is truncated");
        }
        int count = in.getShort() & 0xffff;
        List<String> ids = new ArrayList<>(Math.min(count, MAX_RECEIPT_IDS));
        for (int i = 0; i < count; i++) {
            if (!in.hasRemaining()) {
                throw new MalformedContentException("the receipt is truncated");
            }
            int length = in.get() & 0xff;
            if (in.remaining() < length) {
                throw new MalformedContentException("the receipt is truncated");
            }
            byte[] ascii = new byte[length];
            in.get(ascii);
            ids.add(new String(ascii, StandardCharsets.ISO_8859_1));
        }
        try {
            return new Receipt(type, ids);
        } catch (IllegalArgumentException e) {
            throw new MalformedContentException("the receipt is malformed: " + e.getMessage());
        }
    }

    private static Content decodeTyping(byte[] body) throws MalformedContentException {
        if (body.length < 3 || (body[2] & 0xff) > 1) {
            throw new MalformedContentException("the typing indicator is malformed");
        }
        return new Typing(body[2] == 1);
    }

    private static String groupId(byte[] body) throws MalformedContentException {
        if (body.length < 18) {
            throw new MalformedContentException("the group content is truncated");
        }
        return Compat.hex(body, 2, 18);
    }

    private static Content decodeGroupText(byte[] body) throws MalformedContentException {
        if (body.length < 10) {
            throw new MalformedContentException("the group message is truncated");
        }
        long seq = ByteBuffer.wrap(body, 2, 8).getLong();
        if (seq < 1) {
            throw new MalformedContentException("the group message has no sequence number");
        }
        byte[] text = Arrays.copyOfRange(body, 8, body.length);
        text[0] = VERSION;
        text[1] = TYPE_TEXT;
        return new GroupText(seq, ((Text) decodeText(text)).text());
    }

    private static Content decodeGroupUpdate(byte[] body) throws MalformedContentException {
        String groupId = groupId(body);
        ByteBuffer in = ByteBuffer.wrap(body, 18, body.length - 18);
        try {
            long epoch = in.getLong();
            String admin = readAccountId(in);
            int nameLength = in.getShort() & 0xffff;
            if (nameLength > MAX_GROUP_NAME_BYTES) {
                throw new MalformedContentException("the group name is too long");
            }
            byte[] name = new byte[nameLength];
            in.get(name);
            int count = in.getShort() & 0xffff;
            if (count > MAX_GROUP_MEMBERS) {
                throw new MalformedContentException("the group update lists too many members");
            }
            List<String> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                members.add(readAccountId(in));
            }
            String decodedName =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(name))
                            .toString();
            if (epoch < 1) {
                throw new MalformedContentException("the group update has no epoch");
            }
            return new GroupUpdate(groupId, epoch, admin, decodedName, members);
        } catch (java.nio.BufferUnderflowException e) {
            throw new MalformedContentException("the group update is truncated");
        } catch (CharacterCodingException e) {
            throw new MalformedContentException("the group name is not valid UTF-8");
        }
    }

    private static String readAccountId(ByteBuffer in) throws MalformedContentException {
        byte[] bytes = new byte[in.get() & 0xff];
        in.get(bytes);
        String id = new String(bytes, StandardCharsets.ISO_8859_1);
        if (!AccountIds.isValid(id)) {
            // found by ContentFuzzTest: any byte passed, and did not survive a re-encoding
            throw new MalformedContentException("the group update names an invalid account ID");
        }
        return id;
    }

    /** A body that cannot be read. */
    final class MalformedContentException extends Exception {
        public MalformedContentException(String message) {
            super(message);
        }
    }
}
