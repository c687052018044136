package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Contact;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactStoreTest {
    private static final AccountId ANN = new AccountId("a".repeat(32));
    private static final AccountId BEN = new AccountId("b".repeat(32));

    @TempDir Path dir;

    @Test
    void namesAreUniqueAndAnAccountHasOneName() {
        try (Database db = Database.openUnprotected(dir)) {
            ContactStore contacts = new ContactStore(db);
            contacts.add("zed", ANN);
            contacts.add("zed", ANN);
            contacts.add("ben", BEN);
            ChatException taken = assertThrows(ChatException.class, () -> contacts.add("zed", BEN));
            assertEquals(ChatException.Reason.INVALID_ARGUMENT, taken.reason());

            contacts.add("ann", ANN);
            assertEquals(
                    List.of(new Contact("ann", ANN), new Contact("ben", BEN)), contacts.list());
            assertEquals(Optional.empty(), contacts.byName("zed"));
            assertEquals(Optional.of(new Contact("ben", BEN)), contacts.byAccount(BEN));
        }
    }

    @Test
    void blankNamesAndNamesThatReadAsAccountIdsAreRefused() {
        try (Database db = Database.openUnprotected(dir)) {
            ContactStore contacts = new ContactStore(db);
            for (String bad : new String[] {"", "  ", " padded", "b".repeat(32)}) {
                ChatException e = assertThrows(ChatException.class, () -> contacts.add(bad, ANN));
                assertEquals(ChatException.Reason.INVALID_ARGUMENT, e.reason());
            }
        }
    }
}
