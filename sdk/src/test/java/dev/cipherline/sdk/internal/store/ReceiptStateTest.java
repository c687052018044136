package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Message states against a real store: forward only, receipts idempotent. */
class ReceiptStateTest {
    private static final String ANN = "a".repeat(32);

    @TempDir Path dir;

    @Test
    void statesOnlyMoveForward() {
        for (MessageState from : MessageState.values()) {
            for (MessageState to : MessageState.values()) {
                boolean expected =
                        switch (from) {
                            case PENDING -> to != MessageState.PENDING;
                            case SENT ->
                                    to == MessageState.EXPIRED
                                            || to == MessageState.DELIVERED
                                            || to == MessageState.READ;
                            // a receipt from a device that had stored it still moves it on
                            case EXPIRED -> to == MessageState.DELIVERED || to == MessageState.READ;
                            case DELIVERED -> to == MessageState.READ;
                            case READ, FAILED -> false;
                        };
                assertEquals(expected, MessageStore.movesForward(from, to), from + " -> " + to);
            }
        }
    }

    @Test
    void theStoreMovesAMessageExactlyWhereTheRuleAllows() {
        try (Database db = Database.openUnprotected(dir)) {
            MessageStore messages = new MessageStore(db);
            int n = 0;
            for (MessageState from : MessageState.values()) {
                for (MessageState to : MessageState.values()) {
                    String id = "m" + n++;
                    long row =
                            db.transaction(c -> messages.insertOutgoing(c, ANN, 1, id, "t", 1_000));
                    db.sqlTransaction(
                            c ->
                                    Sql.execute(
                                            c,
                                            "UPDATE messages SET state = ? WHERE id = ?",
                                            from.name(),
                                            row));
                    boolean moved =
                            db.transaction(
                                    c ->
                                            messages.setState(
                                                    c,
                                                    row,
                                                    to,
                                                    to == MessageState.FAILED ? "why" : null));
                    boolean expected = MessageStore.movesForward(from, to);
                    assertEquals(expected, moved, from + " -> " + to);
                    assertEquals(expected ? to : from, messages.state(row), from + " -> " + to);
                }
            }
            boolean missing =
                    db.transaction(c -> messages.setState(c, 999_999, MessageState.SENT, null));
            assertFalse(missing);
        }
    }

    @Test
    void anExpiryNoticeMarksOnlyThisDevicesOneToOneMessageAndAReceiptStillMovesItOn() {
        try (Database db = Database.openUnprotected(dir)) {
            MessageStore messages = new MessageStore(db);
            long sent = db.transaction(c -> messages.insertOutgoing(c, ANN, 1, "m1", "t", 1_000));
            long delivered =
                    db.transaction(c -> messages.insertOutgoing(c, ANN, 1, "m2", "t", 1_000));
            long otherDevice =
                    db.transaction(c -> messages.insertOutgoing(c, ANN, 2, "m3", "t", 1_000));
            long group = db.transaction(c -> messages.insertOutgoing(c, ANN, 1, "g1", "t", 1_000));
            db.sqlTransaction(
                    c -> {
                        Sql.execute(
                                c,
                                "UPDATE messages SET state = 'SENT' WHERE id IN (?, ?, ?, ?)",
                                sent,
                                delivered,
                                otherDevice,
                                group);
                        Sql.execute(
                                c,
                                "UPDATE messages SET state = 'DELIVERED' WHERE id = ?",
                                delivered);
                        return Sql.execute(
                                c,
                                "UPDATE messages SET group_id = ? WHERE id = ?",
                                "00112233445566778899aabbccddeeff",
                                group);
                    });

            for (String id : List.of("m1", "m2", "m3", "g1", "unknown")) {
                boolean changed = db.transaction(c -> messages.applyExpiry(c, ANN, 1, id));
                assertEquals(id.equals("m1"), changed, id);
            }
            boolean otherPeer =
                    db.transaction(c -> messages.applyExpiry(c, "b".repeat(32), 1, "m1"));
            assertFalse(otherPeer);
            assertEquals(MessageState.EXPIRED, messages.state(sent));
            assertEquals(MessageState.DELIVERED, messages.state(delivered));
            assertEquals(MessageState.SENT, messages.state(otherDevice));
            assertEquals(MessageState.SENT, messages.state(group));
            boolean again = db.transaction(c -> messages.applyExpiry(c, ANN, 1, "m1"));
            assertFalse(again, "once");

            // the recipient's other device had stored it: its receipt wins
            assertEquals(
                    List.of(new MessageId("m1")),
                    db.transaction(
                            c ->
                                    messages.applyReceipt(
                                            c,
                                            ANN,
                                            1,
                                            false,
                                            List.of("m1"),
                                            MessageState.DELIVERED)));
            assertEquals(MessageState.DELIVERED, messages.state(sent));
        }
    }

    @Test
    void aDuplicateReceiptChangesNothingAndALateSentDoesNotUndoIt() {
        try (Database db = Database.openUnprotected(dir)) {
            MessageStore messages = new MessageStore(db);
            long row = db.transaction(c -> messages.insertOutgoing(c, ANN, 1, "m1", "text", 1_000));
            List<String> ids = List.of("m1", "unknown");

            assertEquals(
                    List.of(new MessageId("m1")),
                    db.transaction(
                            c ->
                                    messages.applyReceipt(
                                            c, ANN, 1, false, ids, MessageState.DELIVERED)));
            assertEquals(
                    List.of(),
                    db.transaction(
                            c ->
                                    messages.applyReceipt(
                                            c, ANN, 1, false, ids, MessageState.DELIVERED)));
            boolean undone =
                    db.transaction(c -> messages.setState(c, row, MessageState.SENT, null));
            assertFalse(undone);
            assertEquals(MessageState.DELIVERED, messages.state(row));
            assertEquals(
                    List.of(),
                    db.transaction(
                            c -> messages.applyReceipt(c, ANN, 2, false, ids, MessageState.READ)),
                    "another device's message of the same ID is not this one");
            assertEquals(
                    List.of(new MessageId("m1")),
                    db.transaction(
                            c -> messages.applyReceipt(c, ANN, 2, true, ids, MessageState.READ)),
                    "unless this account has other devices: then it is the copy of theirs");
            assertEquals(MessageState.READ, messages.state(row));
        }
    }
}
