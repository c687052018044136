package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.ChatException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction handle: work done through it commits or rolls back with its transaction. */
class TxTest {
    @TempDir Path dir;

    private static GroupStore.Row group(String id) {
        return new GroupStore.Row(
                id, "team", "a".repeat(32), 1, List.of("a".repeat(32)), true, null, 1);
    }

    @Test
    void storesJoinTheTransactionOfTheHandle() {
        try (Database db = Database.openUnprotected(dir)) {
            GroupStore groups = new GroupStore(db);
            String id = "00112233445566778899aabbccddeeff";
            assertThrows(
                    IllegalStateException.class,
                    () ->
                            db.transaction(
                                    tx -> {
                                        groups.put(tx, group(id));
                                        throw new IllegalStateException("abort");
                                    }));
            assertTrue(db.read(tx -> groups.find(tx, id)).isEmpty(), "rolled back with it");
            db.transaction(
                    tx -> {
                        groups.put(tx, group(id));
                        return null;
                    });
            assertEquals("team", db.read(tx -> groups.find(tx, id)).orElseThrow().name());
        }
    }

    @Test
    void aHandleIsRefusedOutsideItsTransaction() {
        try (Database db = Database.openUnprotected(dir)) {
            GroupStore groups = new GroupStore(db);
            Tx leaked = db.transaction(tx -> tx);
            assertThrows(IllegalStateException.class, () -> groups.find(leaked, "x"));
        }
    }

    @Test
    void anSqlFailureIsAStoreFailure() {
        try (Database db = Database.openUnprotected(dir)) {
            ChatException e =
                    assertThrows(
                            ChatException.class,
                            () -> db.transaction(tx -> tx.sql(c -> Sql.execute(c, "NOT SQL"))));
            assertEquals(ChatException.Reason.STORE_FAILURE, e.reason());
        }
    }
}
