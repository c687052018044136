package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.NoteKind;
import dev.cipherline.sdk.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notes in a real store: listed in order among messages, never unread, sealed at rest. */
class NoteStoreTest {
    private static final String ALICE = "a".repeat(32);
    private static final String BOB = "b".repeat(32);
    private static final String GROUP = "0123456789abcdef0123456789abcdef";

    @TempDir Path dir;

    @Test
    void aNoteStandsInTheHistoryBetweenTheMessagesAndCountsAsNothingUnread() {
        try (Database db = Database.openUnprotected(dir)) {
            MessageStore messages = new MessageStore(db);
            HistoryStore history = new HistoryStore(db);
            db.transaction(tx -> messages.insertIncoming(tx, incoming("m1", 1_000)));
            Note note =
                    new Note(
                            NoteKind.MESSAGES_EXPIRED,
                            new AccountId(ALICE),
                            3,
                            "3 messages from alice expired before this device came online");
            MessageId noteId = db.transaction(tx -> NoteStore.add(tx, ALICE, false, note, 2_000));
            db.transaction(tx -> messages.insertIncoming(tx, incoming("m2", 3_000)));

            List<StoredMessage> page = history.before(ALICE, 10, null);
            assertEquals(3, page.size());
            StoredMessage row = page.get(1);
            assertEquals(noteId, row.id());
            assertTrue(noteId.value().startsWith("note-"));
            assertEquals(Direction.NOTE, row.direction());
            assertEquals(note, row.note());
            assertEquals(note.text(), row.text());
            assertEquals(new AccountId(ALICE), row.peer());
            assertEquals(MessageState.DELIVERED, row.state());
            assertEquals(Instant.ofEpochMilli(2_000), row.receivedAt());
            assertNull(page.get(0).note());
            assertEquals(
                    List.of(noteId),
                    history.search(ALICE, "expired before", 10).stream()
                            .map(StoredMessage::id)
                            .toList());

            int unread =
                    new ConversationStore(db)
                            .list().stream()
                                    .filter(c -> c.peer().value().equals(ALICE))
                                    .findFirst()
                                    .orElseThrow()
                                    .unreadCount();
            assertEquals(2, unread, "the two messages are unread, the note is not");
            db.transaction(tx -> new ConversationStore(db).markRead(tx, ALICE));
            assertEquals(
                    MessageState.DELIVERED,
                    history.before(ALICE, 10, null).get(1).state(),
                    "marking read leaves a note as it was");
        }
    }

    @Test
    void aGroupNoteIsInTheGroupsHistoryOnlyUnderTheAccountItIsAbout() {
        try (Database db = Database.openUnprotected(dir)) {
            HistoryStore history = new HistoryStore(db);
            Note note = new Note(NoteKind.TIMER_CHANGED, new AccountId(BOB), 3600, "bob set …");
            MessageId id = db.transaction(tx -> NoteStore.add(tx, GROUP, true, note, 5_000));

            List<StoredMessage> rows = history.groupBefore(GROUP, ALICE, 10, null);
            assertEquals(1, rows.size());
            assertEquals(id, rows.get(0).id());
            assertEquals(new AccountId(BOB), rows.get(0).peer());
            assertEquals(note, rows.get(0).note());
            assertTrue(history.before(BOB, 10, null).isEmpty(), "not in the 1:1 conversation");
            assertFalse(
                    new ConversationStore(db)
                            .list().stream().anyMatch(c -> c.peer().value().equals(BOB)),
                    "a group note starts no 1:1 conversation");
        }
    }

    @Test
    void aNotesTextIsSealedInTheFile() throws Exception {
        String secret = "zebra-unicorn-note";
        try (Database db = Database.openUnprotected(dir)) {
            db.transaction(
                    tx ->
                            NoteStore.add(
                                    tx,
                                    ALICE,
                                    false,
                                    new Note(
                                            NoteKind.MESSAGES_LOST,
                                            new AccountId(ALICE),
                                            1,
                                            secret),
                                    1_000));
            db.checkpoint();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains(secret), f + " holds the note's text in the clear");
            }
        }
    }

    @Test
    void aRowHasANoteExactlyWhenItIsANote() {
        Note note = new Note(NoteKind.MESSAGES_LOST, new AccountId(ALICE), 1, "x");
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new StoredMessage(
                                new MessageId("m"),
                                new AccountId(ALICE),
                                Direction.INCOMING,
                                "x",
                                Instant.EPOCH,
                                null,
                                MessageState.DELIVERED,
                                null,
                                false,
                                note));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Note(NoteKind.MESSAGES_LOST, new AccountId(ALICE), -1, "x"));
    }

    private static IncomingMessage incoming(String id, long at) {
        return new IncomingMessage(
                new MessageId(id),
                new AccountId(ALICE),
                1,
                "hello " + id,
                Instant.ofEpochMilli(at),
                Instant.ofEpochMilli(at));
    }
}
