package dev.cipherline.sdk.internal.content;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.protocol.ProvisioningPayload;
import dev.cipherline.sdk.internal.Compat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
 *   10 device hello:    optional, all or nothing: u8 flags (bit 0x01: answer with a hello), u8
 *                       length (0..64) + the device's name in UTF-8 (0: no name); a name that is
 *                       not valid is ignored, and bytes after it too
 *   11 contact sync:    u8 kind (1 = added or renamed, 2 = identity change), u8 length + account
 *                       ID, then the contact's name in UTF-8 to the end (1..64 characters)
 *   12 verified sync:   u8 length + account ID, then the 33-byte identity key verified
 *   13 delete sync:     u8 scope (1 = one message, 2 = a whole 1:1 conversation), u8 length +
 *                       the peer's account ID, then for 1: u8 length (1..64) + client message ID
 * </pre>
 */
public final class SyncContent {
    /** Read-sync scope byte of a 1:1 conversation. */
    static final int SCOPE_CONVERSATION = 1;

    /** Read-sync scope byte of a group. */
    static final int SCOPE_GROUP = 2;

    /** Contact-sync kind byte of a contact added or renamed. */
    static final int CONTACT_SET = 1;

    /** Contact-sync kind byte of an identity change (the contact re-pointed to a new account). */
    static final int CONTACT_IDENTITY_CHANGE = 2;

    /** Delete-sync scope byte of one message. */
    static final int DELETE_MESSAGE = 1;

    /** Delete-sync scope byte of a whole 1:1 conversation. */
    static final int DELETE_CONVERSATION = 2;

    /** The length of a serialized identity public key. */
    static final int IDENTITY_KEY_LENGTH = 33;

    private SyncContent() {}

    /** Encodes a sent transcript of {@code body} (an encoded content) sent to {@code to}. */
    public static byte[] encodeTranscript(String to, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + to.length() + 3);
        out.write(Content.VERSION);
        out.write(Content.TYPE_SENT_TRANSCRIPT);
        writeAscii8(out, to);
        Compat.writeBytes(out, body);
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
            Compat.writeBytes(out, Compat.unhex(sync.groupId()));
        }
        writeAscii8(out, sync.newestRead());
        return out.toByteArray();
    }

    /** Device-hello flag: the receiver answers with a hello of its own. */
    static final int HELLO_ANSWER = 0x01;

    /**
     * Encodes a device hello: this device's {@code name} (null for none), and whether the receivers
     * answer with their own hello.
     */
    public static byte[] encodeDeviceHello(String name, boolean answer) {
        byte[] bytes = name == null ? new byte[0] : name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 + bytes.length);
        out.write(Content.VERSION);
        out.write(Content.TYPE_DEVICE_HELLO);
        out.write(answer ? HELLO_ANSWER : 0);
        out.write(bytes.length);
        Compat.writeBytes(out, bytes);
        return out.toByteArray();
    }

    /**
     * Decodes a device hello. One from an older device carries nothing after the type; a name that
     * is truncated, not UTF-8 or not a device name is dropped rather than refused, since opening
     * the hello already did its main work (the session).
     */
    static Content decodeDeviceHello(byte[] body) {
        if (body.length < 3) {
            return new Content.DeviceHello(null, false);
        }
        boolean answer = (body[2] & HELLO_ANSWER) != 0;
        if (body.length < 4) {
            return new Content.DeviceHello(null, answer);
        }
        int length = body[3] & 0xff;
        if (length == 0 || body.length < 4 + length) {
            return new Content.DeviceHello(null, answer);
        }
        try {
            String name =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(body, 4, length))
                            .toString();
            return new Content.DeviceHello(
                    ProvisioningPayload.checkDeviceName(name, "name"), answer);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return new Content.DeviceHello(null, answer);
        }
    }

    /** Encodes a contact sync. */
    public static byte[] encodeContactSync(Content.ContactSync sync) {
        byte[] name = sync.name().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length + 40);
        out.write(Content.VERSION);
        out.write(Content.TYPE_CONTACT_SYNC);
        out.write(sync.identityChange() ? CONTACT_IDENTITY_CHANGE : CONTACT_SET);
        writeAscii8(out, sync.account());
        Compat.writeBytes(out, name);
        return out.toByteArray();
    }

    /** Encodes a verified sync. */
    public static byte[] encodeVerifiedSync(Content.VerifiedSync sync) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(70);
        out.write(Content.VERSION);
        out.write(Content.TYPE_VERIFIED_SYNC);
        writeAscii8(out, sync.account());
        Compat.writeBytes(out, sync.identityKey());
        return out.toByteArray();
    }

    /** Encodes a delete sync. */
    public static byte[] encodeDeleteSync(Content.DeleteSync sync) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(100);
        out.write(Content.VERSION);
        out.write(Content.TYPE_DELETE_SYNC);
        out.write(sync.clientMsgId() == null ? DELETE_CONVERSATION : DELETE_MESSAGE);
        writeAscii8(out, sync.peer());
        if (sync.clientMsgId() != null) {
            writeAscii8(out, sync.clientMsgId());
        }
        return out.toByteArray();
    }

    static Content decodeContactSync(byte[] body) throws Content.MalformedContentException {
        if (body.length < 3) {
            throw new Content.MalformedContentException("the contact sync is truncated");
        }
        int kind = body[2] & 0xff;
        if (kind != CONTACT_SET && kind != CONTACT_IDENTITY_CHANGE) {
            return new Content.Unknown(Content.TYPE_CONTACT_SYNC);
        }
        String account = account(body, 3, "the contact sync");
        int at = 4 + account.length();
        try {
            String name =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(body, at, body.length - at))
                            .toString();
            if (name.isEmpty() || name.length() > 64) {
                throw new Content.MalformedContentException(
                        "the contact sync's name must be 1..64 characters");
            }
            return new Content.ContactSync(account, name, kind == CONTACT_IDENTITY_CHANGE);
        } catch (CharacterCodingException e) {
            throw new Content.MalformedContentException("the contact name is not valid UTF-8");
        }
    }

    static Content decodeVerifiedSync(byte[] body) throws Content.MalformedContentException {
        String account = account(body, 2, "the verified sync");
        int at = 3 + account.length();
        if (body.length != at + IDENTITY_KEY_LENGTH) {
            throw new Content.MalformedContentException(
                    "the verified sync's identity key is not " + IDENTITY_KEY_LENGTH + " bytes");
        }
        return new Content.VerifiedSync(account, Arrays.copyOfRange(body, at, body.length));
    }

    static Content decodeDeleteSync(byte[] body) throws Content.MalformedContentException {
        if (body.length < 3) {
            throw new Content.MalformedContentException("the delete sync is truncated");
        }
        int scope = body[2] & 0xff;
        if (scope != DELETE_MESSAGE && scope != DELETE_CONVERSATION) {
            return new Content.Unknown(Content.TYPE_DELETE_SYNC);
        }
        String peer = account(body, 3, "the delete sync");
        if (scope == DELETE_CONVERSATION) {
            return new Content.DeleteSync(peer, null);
        }
        String id = readAscii8(body, 4 + peer.length(), "the delete sync");
        if (!Content.CLIENT_MSG_ID.matcher(id).matches()) {
            throw new Content.MalformedContentException("the delete sync names no message");
        }
        return new Content.DeleteSync(peer, id);
    }

    private static String account(byte[] body, int at, String what)
            throws Content.MalformedContentException {
        String account = readAscii8(body, at, what);
        if (!AccountIds.isValid(account)) {
            throw new Content.MalformedContentException(what + " names an invalid account ID");
        }
        return account;
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
            groupId = Compat.hex(body, at, at + 16);
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
        Compat.writeBytes(out, bytes);
    }
}
