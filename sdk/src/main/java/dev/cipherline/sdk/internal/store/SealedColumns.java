package dev.cipherline.sdk.internal.store;

import dev.cipherline.crypto.StoreKeys;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns that hold secrets or message content and are stored encrypted (AES-256-GCM under the
 * store's data key), each bound to its table, column and row key so that a value cannot be moved to
 * another place in the file. Everything else (account IDs, contact and group names, timestamps,
 * states, public keys) is stored in clear; see SECURITY.md.
 */
final class SealedColumns {
    /**
     * One sealed column: {@code table.column}, and the SQL expression of its row key, which the
     * store classes build the same way in Java.
     */
    record Column(String table, String column, String rowKeySql) {
        String field() {
            return table + "." + column;
        }
    }

    static final String IDENTITY_KEY_PAIR = "identity.identity_key_pair";
    static final String AUTH_PRIVATE_KEY = "identity.auth_private_key";
    static final String PREKEY = "prekeys.record";
    static final String SIGNED_PREKEY = "signed_prekeys.record";
    static final String KYBER_PREKEY = "kyber_prekeys.record";
    static final String SESSION = "sessions.record";
    static final String SENDER_KEY = "sender_keys.record";
    static final String MESSAGE_TEXT = "messages.text";
    static final String OUTBOX_SEALED = "outbox.sealed";
    static final String ATTACHMENT = "attachments.descriptor";

    static final List<Column> ALL =
            List.of(
                    new Column("identity", "identity_key_pair", "'1'"),
                    new Column("identity", "auth_private_key", "'1'"),
                    new Column("prekeys", "record", "CAST(id AS TEXT)"),
                    new Column("signed_prekeys", "record", "CAST(id AS TEXT)"),
                    new Column("kyber_prekeys", "record", "CAST(id AS TEXT)"),
                    new Column("sessions", "record", "account_id || '.' || device_id"),
                    new Column(
                            "sender_keys",
                            "record",
                            "account_id || '.' || device_id || '.' || distribution_id"),
                    new Column("messages", "text", "peer || '/' || client_msg_id"),
                    new Column("outbox", "sealed", "recipient || '/' || client_msg_id"),
                    new Column("attachments", "descriptor", "CAST(message_id AS TEXT)"));

    private SealedColumns() {}

    static String identityRow() {
        return "1";
    }

    static String preKeyRow(int id) {
        return Integer.toString(id);
    }

    static String sessionRow(String accountId, int deviceId) {
        return accountId + "." + deviceId;
    }

    static String senderKeyRow(String accountId, int deviceId, String distributionId) {
        return accountId + "." + deviceId + "." + distributionId;
    }

    static String messageRow(String peer, String clientMsgId) {
        return peer + "/" + clientMsgId;
    }

    /** The associated data of a sealed value. */
    static byte[] context(String field, String rowKey) {
        return ("cipherline-store-v1\0" + field + "\0" + rowKey).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Encrypts every sensitive value of a store written before encryption at rest (a new store has
     * none), in the transaction that creates its key. With {@code secure_delete} on, the clear
     * values are overwritten in the file; the caller checkpoints the write-ahead log afterwards.
     */
    static void encryptExisting(Connection c, StoreKeys.RowCipher cipher) throws SQLException {
        for (Column col : ALL) {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT rowid, "
                                            + col.rowKeySql()
                                            + ", CAST("
                                            + col.column()
                                            + " AS BLOB) FROM "
                                            + col.table());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getBytes(3)});
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "UPDATE "
                                    + col.table()
                                    + " SET "
                                    + col.column()
                                    + " = ? WHERE rowid = ?")) {
                for (Object[] row : rows) {
                    ps.setBytes(
                            1, cipher.seal((byte[]) row[2], context(col.field(), (String) row[1])));
                    ps.setLong(2, (Long) row[0]);
                    ps.executeUpdate();
                }
            }
        }
    }
}
