package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.MessageState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxStoreTest {
    private static final String ANN = "a".repeat(32);
    private static final String BEN = "b".repeat(32);

    @TempDir Path dir;

    private static void queue(Database db, String recipient, String id, byte[] sealed) {
        MessageStore messages = new MessageStore(db);
        OutboxStore outbox = new OutboxStore(db);
        db.transaction(
                c -> {
                    long row = messages.insertOutgoing(c, recipient, 1, id, "text " + id, 1_000);
                    outbox.insert(c, row, recipient, id, 9_000, sealed, 1_000);
                    return null;
                });
    }

    @Test
    void theOutboxSurvivesReopeningTheStoreInOrderPerRecipient() {
        try (Database db = Database.openUnprotected(dir)) {
            queue(db, ANN, "ann-1", new byte[] {1});
            queue(db, ANN, "ann-2", new byte[] {2});
            queue(db, BEN, "ben-1", new byte[] {3});
            OutboxStore outbox = new OutboxStore(db);
            long first = outbox.heads().get(0).id();
            db.transaction(
                    c -> {
                        outbox.recordAttempt(c, first, 5_000, "relay unreachable");
                        return null;
                    });
        }

        try (Database db = Database.openUnprotected(dir)) {
            OutboxStore outbox = new OutboxStore(db);
            assertEquals(3, outbox.size());
            List<OutboxStore.Entry> heads = outbox.heads();
            assertEquals(
                    List.of("ann-1", "ben-1"),
                    heads.stream().map(OutboxStore.Entry::clientMsgId).toList());
            OutboxStore.Entry ann = heads.get(0);
            assertEquals(ANN, ann.recipient());
            assertArrayEquals(new byte[] {1}, ann.sealed());
            assertEquals(1, ann.attempts());
            assertEquals(5_000, ann.nextAttemptAt());
            assertEquals(9_000, ann.expiresAt());

            MessageStore messages = new MessageStore(db);
            db.transaction(
                    c -> {
                        outbox.delete(c, ann.id());
                        messages.setState(c, ann.messageRowId(), MessageState.SENT, null);
                        return null;
                    });
            assertEquals(
                    List.of("ann-2", "ben-1"),
                    outbox.heads().stream().map(OutboxStore.Entry::clientMsgId).toList());
            assertEquals(MessageState.SENT, messages.history(ANN, 10, null).get(1).state());
            assertEquals(
                    2, new MessageStore(db).history(new AccountId(ANN).value(), 10, null).size());
        }
    }

    @Test
    void rowsAreReadInOrderFromOneOnAndAnUnsentAttemptIsTakenBack() {
        try (Database db = Database.openUnprotected(dir)) {
            queue(db, ANN, "ann-1", new byte[] {1});
            queue(db, BEN, "ben-1", new byte[] {2});
            queue(db, ANN, "ann-2", new byte[] {3});
            OutboxStore outbox = new OutboxStore(db);
            List<OutboxStore.Entry> all = outbox.from(0, 10);
            assertEquals(
                    List.of("ann-1", "ben-1", "ann-2"),
                    all.stream().map(OutboxStore.Entry::clientMsgId).toList());
            assertEquals(
                    List.of("ben-1"),
                    outbox.from(all.get(1).id(), 1).stream()
                            .map(OutboxStore.Entry::clientMsgId)
                            .toList());

            long ben = all.get(1).id();
            db.transaction(
                    c -> {
                        outbox.recordAttempt(c, ben, 1_000, "earlier failure");
                        outbox.recordAttempt(c, ben, 60_000, null);
                        outbox.release(c, ben, 2_000);
                        return null;
                    });
            OutboxStore.Entry released = outbox.from(ben, 1).get(0);
            assertEquals(1, released.attempts(), "the attempt before still counts");
            assertEquals(2_000, released.nextAttemptAt());
        }
    }
}
