package dev.cipherline.sdk.internal.store;

import dev.cipherline.sdk.Attachment;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.content.FileRef;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;

/**
 * The files of file messages: each message row's {@link FileRef} (sealed under the store's data
 * key, since it holds the file key) and the name of its verified encrypted copy under the home
 * folder's {@code files/}, once there is one. A row goes with its message (a trigger).
 */
public final class AttachmentStore {
    private final Database db;

    /** The attachments of {@code db}. */
    public AttachmentStore(Database db) {
        this.db = db;
    }

    /** One message's file. */
    public record Stored(long messageRow, FileRef file, String localCopy) {}

    /** Records the file of message {@code messageRow}, in the caller's transaction. */
    public void put(Tx tx, long messageRow, FileRef file, String localCopy) {
        byte[] sealed =
                db.keys().seal(SealedColumns.ATTACHMENT, Long.toString(messageRow), file.encode());
        tx.run(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "INSERT OR REPLACE INTO attachments (message_id, descriptor,"
                                            + " local_copy) VALUES (?, ?, ?)")) {
                        ps.setLong(1, messageRow);
                        ps.setBytes(2, sealed);
                        ps.setString(3, localCopy);
                        ps.executeUpdate();
                    }
                });
    }

    /**
     * Records the file of the newest message with {@code clientMsgId} in the conversation with
     * {@code peer} (a copy of a file this account sent from another device), in the caller's
     * transaction; does nothing if there is no such message.
     */
    public void putFor(Tx tx, String peer, String clientMsgId, FileRef file) {
        Long row =
                tx.sql(
                        c -> {
                            try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT MAX(id) FROM messages WHERE peer = ? AND"
                                                    + " client_msg_id = ?")) {
                                ps.setString(1, peer);
                                ps.setString(2, clientMsgId);
                                try (ResultSet rs = ps.executeQuery()) {
                                    long id = rs.next() ? rs.getLong(1) : 0;
                                    return id == 0 ? null : id;
                                }
                            }
                        });
        if (row != null) {
            put(tx, row, file, null);
        }
    }

    /** Records that the verified encrypted copy of message {@code messageRow}'s file is here. */
    public void setLocalCopy(long messageRow, String localCopy) {
        db.transaction(
                tx -> {
                    tx.run(
                            c -> {
                                try (PreparedStatement ps =
                                        c.prepareStatement(
                                                "UPDATE attachments SET local_copy = ? WHERE"
                                                        + " message_id = ?")) {
                                    ps.setString(1, localCopy);
                                    ps.setLong(2, messageRow);
                                    ps.executeUpdate();
                                }
                            });
                    return null;
                });
    }

    /**
     * The file of the message with {@code clientMsgId} in the conversation with {@code peer} (its
     * sender, or for an outgoing message its recipient or group marker), or empty.
     */
    public Optional<Stored> find(String peer, String clientMsgId, boolean incoming) {
        return db.read(
                tx ->
                        tx.sql(
                                c -> {
                                    try (PreparedStatement ps =
                                            c.prepareStatement(
                                                    "SELECT a.message_id, a.descriptor,"
                                                            + " a.local_copy FROM messages m JOIN"
                                                            + " attachments a ON a.message_id ="
                                                            + " m.id WHERE m.client_msg_id = ?"
                                                            + " AND m.direction = ?"
                                                            + " AND (? = 0 OR m.peer = ?)"
                                                            + " ORDER BY m.id DESC LIMIT 1")) {
                                        ps.setString(1, clientMsgId);
                                        ps.setInt(
                                                2,
                                                incoming
                                                        ? MessageStore.INCOMING
                                                        : MessageStore.OUTGOING);
                                        ps.setInt(3, peer == null ? 0 : 1);
                                        ps.setString(4, peer);
                                        try (ResultSet rs = ps.executeQuery()) {
                                            if (!rs.next()) {
                                                return Optional.<Stored>empty();
                                            }
                                            long row = rs.getLong(1);
                                            return Optional.of(
                                                    new Stored(
                                                            row,
                                                            decode(db.keys(), row, rs.getBytes(2)),
                                                            rs.getString(3)));
                                        }
                                    }
                                }));
    }

    /** Every local copy's name, to find copies whose message is gone. */
    public java.util.Set<String> localCopies() {
        return db.read(
                tx ->
                        tx.sql(
                                c -> {
                                    java.util.Set<String> names = new java.util.HashSet<>();
                                    try (PreparedStatement ps =
                                                    c.prepareStatement(
                                                            "SELECT local_copy FROM attachments"
                                                                    + " WHERE local_copy IS NOT"
                                                                    + " NULL");
                                            ResultSet rs = ps.executeQuery()) {
                                        while (rs.next()) {
                                            names.add(rs.getString(1));
                                        }
                                    }
                                    return names;
                                }));
    }

    private static FileRef decode(AtRestKey keys, long row, byte[] sealed) {
        try {
            return FileRef.decode(
                    keys.unseal(SealedColumns.ATTACHMENT, Long.toString(row), sealed));
        } catch (Content.MalformedContentException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE, "a stored file description is damaged", e);
        }
    }

    /** The public description of a sealed attachment column, or null for none. */
    static Attachment describe(AtRestKey keys, long row, byte[] sealed) {
        if (sealed == null) {
            return null;
        }
        return describe(decode(keys, row, sealed));
    }

    /** The public description of {@code file}. */
    public static Attachment describe(FileRef file) {
        return new Attachment(
                file.name(), file.mediaType(), file.size(), Instant.ofEpochMilli(file.expiresAt()));
    }
}
