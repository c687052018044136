package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.GroupReadState;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receipt finds this account's group messages through an index of their client message IDs, not
 * by a scan of the whole history; a store from before that index gets it filled in on opening (and
 * the index of group messages that marking a group read uses).
 */
class GroupReadStoreUpgradeTest {
    private static final String GROUP = "g".repeat(32);
    private static final String MEMBER = "m".repeat(32);

    @TempDir Path dir;

    @Test
    void aStoreFromBeforeTheIndexIsFilledInAndReceiptsFindItsGroupMessages() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve(Database.FILE_NAME);
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            // the store as the version before these indexes wrote it: a group message of its own,
            // tracked without its client message ID
            Schema.migrate(c, Schema.GROUP_MESSAGE_INDEXES - 1);
            s.execute(
                    "INSERT INTO messages (id, peer, direction, sender_device, client_msg_id, text,"
                            + " sent_at, state, delivered_to_app, group_id) VALUES (7, '"
                            + GROUP
                            + "', 1, 1, 'group-msg', x'00', 1, 'SENT', 1, '"
                            + GROUP
                            + "')");
            s.execute(
                    "INSERT INTO group_read_state (message_id, group_id, recipients) VALUES (7, '"
                            + GROUP
                            + "', 3)");
        }

        try (Database db = Database.openUnprotected(dir)) {
            db.read(
                    tx ->
                            tx.sql(
                                    c -> {
                                        try (Statement s = c.createStatement();
                                                ResultSet rs =
                                                        s.executeQuery(
                                                                "SELECT client_msg_id FROM"
                                                                        + " group_read_state")) {
                                            assertTrue(rs.next());
                                            assertEquals("group-msg", rs.getString(1));
                                        }
                                        return null;
                                    }));
            List<MessageId> changed =
                    db.transaction(
                            tx ->
                                    GroupReadStore.apply(
                                            tx,
                                            MEMBER,
                                            List.of("group-msg", "no-such-msg"),
                                            MessageState.READ));
            assertEquals(List.of(new MessageId("group-msg")), changed);
            GroupReadState state =
                    new GroupReadStore(db).state(new MessageId("group-msg")).orElseThrow();
            assertEquals(new GroupReadState(1, 1, 3), state);
            db.read(
                    tx ->
                            tx.sql(
                                    c -> {
                                        try (Statement s = c.createStatement();
                                                ResultSet rs =
                                                        s.executeQuery(
                                                                "EXPLAIN QUERY PLAN SELECT id FROM"
                                                                        + " messages WHERE group_id"
                                                                        + " = 'x' AND id > 1")) {
                                            assertTrue(rs.next());
                                            assertTrue(
                                                    rs.getString(4).contains("messages_by_group"),
                                                    rs.getString(4));
                                        }
                                        return null;
                                    }));
        }
    }
}
