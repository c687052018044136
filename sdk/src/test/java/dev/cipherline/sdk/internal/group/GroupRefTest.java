package dev.cipherline.sdk.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the app's group calls find the group a typed reference names, on a real store. */
class GroupRefTest {
    private static final String BOB = "b".repeat(32);
    private static final String CAROL = "c".repeat(32);

    @TempDir Path dir;
    private TestDevice alice;
    private Groups groups;

    @BeforeEach
    void setUp() {
        alice = new TestDevice(dir.resolve("alice"));
        groups =
                new Groups(
                        alice.db,
                        new GroupStore(alice.db),
                        new MessageStore(alice.db),
                        new OutboxStore(alice.db),
                        new GroupCrypto(alice.store),
                        new LocalDevice(alice.accountId, 1),
                        Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        alice.close();
    }

    @Test
    void aTypedGroupIdIsParsedWhateverItsCaseAndBlanks() {
        Group team = groups.create("team", List.of(BOB));
        String typed = "  " + team.id().value().toUpperCase(Locale.ROOT) + " ";
        Group changed = groups.changeMembers(typed, List.of(CAROL), List.of());
        assertEquals(team.id(), changed.id());
        assertTrue(changed.members().contains(new AccountId(CAROL)));
    }

    @Test
    void aNameThatLooksLikeAnIdIsStillFoundByName() {
        // 32 characters that are not hex digits, and 32 hex digits that are no group's ID
        String letters = "x".repeat(32);
        String hex = "0123456789abcdef0123456789abcdef";
        Group first = groups.create(letters, List.of(BOB));
        Group second = groups.create(hex, List.of(BOB));
        assertEquals(first.id(), groups.changeMembers(letters, List.of(CAROL), List.of()).id());
        assertEquals(second.id(), groups.changeMembers(hex, List.of(CAROL), List.of()).id());
    }

    @Test
    void anIdOfAnotherGroupWinsOverAGroupNamedLikeIt() {
        Group target = groups.create("target", List.of(BOB));
        groups.create(target.id().value(), List.of(BOB));
        Group changed = groups.changeMembers(target.id().value(), List.of(CAROL), List.of());
        assertEquals(target.id(), changed.id());
        assertEquals("target", changed.name());
    }

    @Test
    void anUnknownReferenceIsAClearError() {
        ChatException e =
                assertThrows(
                        ChatException.class,
                        () -> groups.changeMembers("nobody", List.of(CAROL), List.of()));
        assertEquals(ChatException.Reason.UNKNOWN_CONTACT, e.reason());
    }
}
