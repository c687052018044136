package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.Conversation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written by the first release keeps its messages and outbox and gains unread counts. */
class SchemaUpgradeTest {
    private static final String ANN = "a".repeat(32);
    private static final String BEN = "b".repeat(32);

    @TempDir Path dir;

    @Test
    void aVersionOneStoreIsUpgradedWithItsHistoryCounted() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            // the tables of schema version 1 that version 2 rebuilds or reads
            s.execute(
                    "CREATE TABLE contacts (name TEXT PRIMARY KEY, account_id TEXT NOT NULL"
                            + " UNIQUE)");
            s.execute(
                    "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, peer TEXT NOT"
                            + " NULL, direction INTEGER NOT NULL, sender_device INTEGER NOT NULL,"
                            + " client_msg_id TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT"
                            + " NULL, received_at INTEGER, state TEXT NOT NULL, delivered_to_app"
                            + " INTEGER NOT NULL, failure TEXT, UNIQUE (peer, direction,"
                            + " sender_device, client_msg_id))");
            s.execute(
                    "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id"
                            + " INTEGER NOT NULL UNIQUE REFERENCES messages (id), recipient TEXT NOT"
                            + " NULL, client_msg_id TEXT NOT NULL, expires_at INTEGER NOT NULL,"
                            + " sealed BLOB NOT NULL, attempts INTEGER NOT NULL, next_attempt_at"
                            + " INTEGER NOT NULL, last_error TEXT)");
            s.execute("CREATE INDEX outbox_by_recipient ON outbox (recipient, id)");
            // the key tables of version 1, which version 4 encrypts in place
            s.execute(
                    "CREATE TABLE identity (id INTEGER PRIMARY KEY CHECK (id = 1), account_id TEXT"
                            + " NOT NULL, device_id INTEGER NOT NULL, registration_id INTEGER NOT"
                            + " NULL, identity_key_pair BLOB NOT NULL, auth_private_key BLOB NOT"
                            + " NULL, relay_url TEXT NOT NULL, name TEXT, next_prekey_id INTEGER NOT"
                            + " NULL, next_kyber_prekey_id INTEGER NOT NULL, created_at INTEGER NOT"
                            + " NULL)");
            for (String table : new String[] {"prekeys", "signed_prekeys"}) {
                s.execute(
                        "CREATE TABLE "
                                + table
                                + " (id INTEGER PRIMARY KEY, record BLOB NOT NULL)");
            }
            s.execute(
                    "CREATE TABLE kyber_prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL,"
                            + " last_resort INTEGER NOT NULL)");
            s.execute(
                    "CREATE TABLE sessions (account_id TEXT NOT NULL, device_id INTEGER NOT NULL,"
                            + " record BLOB NOT NULL, PRIMARY KEY (account_id, device_id))");
            s.execute(
                    "CREATE TABLE sender_keys (account_id TEXT NOT NULL, device_id INTEGER NOT"
                            + " NULL, distribution_id TEXT NOT NULL, record BLOB NOT NULL, PRIMARY"
                            + " KEY (account_id, device_id, distribution_id))");
            s.execute("INSERT INTO sessions VALUES ('" + BEN + "', 1, x'5e55104e')");
            s.execute(
                    "INSERT INTO messages VALUES (1, '"
                            + ANN
                            + "', 0, 1, 'a1', 'one', 100, 110, 'DELIVERED', 1, NULL), (2, '"
                            + ANN
                            + "', 0, 1, 'a2', 'two', 200, 210, 'DELIVERED', 1, NULL), (3, '"
                            + BEN
                            + "', 1, 1, 'b1', 'out', 300, NULL, 'PENDING', 1, NULL)");
            s.execute(
                    "INSERT INTO outbox VALUES (1, 3, '"
                            + BEN
                            + "', 'b1', 9000, x'01', 0, 0,"
                            + " NULL)");
            s.execute("PRAGMA user_version = 1");
        }

        try (Database db = Database.openUnprotected(dir)) {
            List<Conversation> list = new ConversationStore(db).list();
            assertEquals(2, list.size());
            assertEquals(BEN, list.get(0).peer().value());
            assertEquals(0, list.get(0).unreadCount());
            assertEquals(ANN, list.get(1).peer().value());
            assertEquals(2, list.get(1).unreadCount(), "earlier messages count as unread");
            assertEquals(210, list.get(1).lastActivity().toEpochMilli());
            assertNull(list.get(1).readUpTo());

            OutboxStore outbox = new OutboxStore(db);
            assertEquals("b1", outbox.heads().get(0).clientMsgId(), "the outbox is kept");
            db.transaction(
                    c -> {
                        outbox.insert(c, 0, BEN, "receipt-1", 9000, new byte[] {2}, 0);
                        return null;
                    });
            assertEquals(2, outbox.size(), "receipts without a message row fit the new outbox");

            // what the first release kept in clear is encrypted now, and still reads the same
            assertEquals(
                    List.of("two", "one"),
                    new MessageStore(db)
                            .history(ANN, 10, null).stream().map(m -> m.text()).toList());
            assertArrayEquals(new byte[] {1}, outbox.heads().get(0).sealed());
            db.sqlRead(
                    c -> {
                        try (Statement s = c.createStatement();
                                ResultSet rs =
                                        s.executeQuery(
                                                "SELECT text FROM messages UNION ALL SELECT record"
                                                        + " FROM sessions")) {
                            while (rs.next()) {
                                byte[] raw = rs.getBytes(1);
                                assertTrue(raw.length > 28, "sealed: nonce, tag, version");
                                assertFalse(
                                        new String(raw, StandardCharsets.ISO_8859_1)
                                                .matches("one|two|out|\\^U\\u0010N"));
                            }
                        }
                        return null;
                    });
        }
    }
}
