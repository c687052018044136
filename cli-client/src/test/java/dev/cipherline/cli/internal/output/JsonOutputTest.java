package dev.cipherline.cli.internal.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.NoteKind;
import dev.cipherline.sdk.StoredMessage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON field names are a contract with scripts; these tests pin them. */
class JsonOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AccountId ALICE = new AccountId("abcdefghijklmnopqrstuvwxyz234567");
    private static final AccountId BOB = new AccountId("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");

    private final StringWriter out = new StringWriter();
    private final Output output = Output.of(true, new PrintWriter(out));

    @Test
    void whoamiIsOneObjectWithStableFieldNames() throws Exception {
        output.account(new AccountInfo(ALICE, 1, "alice", URI.create("http://127.0.0.1:7400")));

        JsonNode me = JSON.readTree(out.toString());
        assertEquals(List.of("accountId", "deviceId", "name", "relay", "relays"), fieldNames(me));
        assertEquals(ALICE.value(), me.get("accountId").asText());
        assertEquals(1, me.get("deviceId").asInt());
        assertEquals("alice", me.get("name").asText());
        assertEquals("http://127.0.0.1:7400", me.get("relay").asText());
        assertEquals("http://127.0.0.1:7400", me.get("relays").get(0).asText());
    }

    @Test
    void aMessageThatExpiredAtTheRelayIsExpired() throws Exception {
        Instant sent = Instant.parse("2026-11-22T10:00:00Z");
        output.stored(
                ALICE,
                new StoredMessage(
                        new MessageId("m1"),
                        BOB,
                        Direction.OUTGOING,
                        "anyone there?",
                        sent,
                        null,
                        MessageState.EXPIRED));

        JsonNode line = JSON.readTree(out.toString().strip());
        assertEquals("outgoing", line.get("direction").asText());
        assertEquals("expired", line.get("state").asText());
        assertTrue(line.get("failure").isNull());
    }

    @Test
    void historyLinesNameBothSidesAndTheState() throws Exception {
        Instant sent = Instant.parse("2026-11-22T10:00:00Z");
        output.stored(
                ALICE,
                new StoredMessage(
                        new MessageId("m1"),
                        BOB,
                        Direction.OUTGOING,
                        "hi\nbob",
                        sent,
                        null,
                        MessageState.DELIVERED));
        output.stored(
                ALICE,
                new StoredMessage(
                        new MessageId("m2"),
                        BOB,
                        Direction.INCOMING,
                        "hi alice",
                        sent,
                        sent.plusSeconds(1),
                        MessageState.READ));

        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size());
        JsonNode mine = JSON.readTree(lines.get(0));
        assertEquals(
                List.of(
                        "id",
                        "direction",
                        "from",
                        "to",
                        "text",
                        "sentAt",
                        "receivedAt",
                        "state",
                        "failure"),
                fieldNames(mine));
        assertEquals("outgoing", mine.get("direction").asText());
        assertEquals(ALICE.value(), mine.get("from").asText());
        assertEquals(BOB.value(), mine.get("to").asText());
        assertEquals("hi\nbob", mine.get("text").asText());
        assertTrue(mine.get("receivedAt").isNull());
        assertEquals("delivered", mine.get("state").asText());
        JsonNode theirs = JSON.readTree(lines.get(1));
        assertEquals("incoming", theirs.get("direction").asText());
        assertEquals(BOB.value(), theirs.get("from").asText());
        assertEquals(ALICE.value(), theirs.get("to").asText());
        assertEquals("2026-11-22T10:00:01Z", theirs.get("receivedAt").asText());
        assertEquals("read", theirs.get("state").asText());
    }

    @Test
    void aNoteIsALineOfItsOwnKindWithWhatItIsAbout() throws Exception {
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        output.stored(ALICE, note(at));

        JsonNode line = JSON.readTree(out.toString().lines().toList().get(0));
        assertEquals("note", line.get("direction").asText());
        assertEquals(BOB.value(), line.get("from").asText());
        assertEquals("2 messages from bob expired", line.get("text").asText());
        assertEquals("messages_expired", line.get("note").get("kind").asText());
        assertEquals(BOB.value(), line.get("note").get("about").asText());
        assertEquals(2, line.get("note").get("count").asLong());
    }

    static StoredMessage note(Instant at) {
        return new StoredMessage(
                new MessageId("note-1"),
                BOB,
                Direction.NOTE,
                "2 messages from bob expired",
                at,
                at,
                MessageState.DELIVERED,
                null,
                false,
                new Note(NoteKind.MESSAGES_EXPIRED, BOB, 2, "2 messages from bob expired"));
    }

    @Test
    void aMissingNameIsNull() throws Exception {
        output.account(new AccountInfo(ALICE, 1, null, URI.create("http://127.0.0.1:7400")));

        JsonNode me = JSON.readTree(out.toString());
        assertTrue(me.has("name"));
        assertTrue(me.get("name").isNull());
    }

    @Test
    void contactsAreOneArray() throws Exception {
        output.contacts(List.of(new Contact("alice", ALICE), new Contact("bob", BOB)));

        assertEquals(1, out.toString().strip().lines().count());
        JsonNode contacts = JSON.readTree(out.toString());
        assertTrue(contacts.isArray());
        assertEquals(
                List.of("name", "accountId", "verified", "identityChangedFrom"),
                fieldNames(contacts.get(0)));
        assertEquals("bob", contacts.get(1).get("name").asText());
        assertEquals(BOB.value(), contacts.get(1).get("accountId").asText());
    }

    @Test
    void groupsAreOneArray() throws Exception {
        GroupId id = GroupId.parse("00112233445566778899aabbccddeeff");
        output.groups(List.of(new Group(id, "team", ALICE, 3, List.of(ALICE, BOB), false)));

        JsonNode groups = JSON.readTree(out.toString());
        assertEquals(1, groups.size());
        assertEquals(
                List.of("id", "name", "admin", "epoch", "members", "active"),
                fieldNames(groups.get(0)));
        assertEquals(id.value(), groups.get(0).get("id").asText());
        assertEquals(3, groups.get(0).get("epoch").asLong());
        assertEquals(BOB.value(), groups.get(0).get("members").get(1).asText());
        assertFalse(groups.get(0).get("active").asBoolean());
    }

    @Test
    void noContactsIsAnEmptyArray() throws Exception {
        output.contacts(List.of());

        assertEquals("[]", out.toString().strip());
    }

    @Test
    void eachMessageIsOneLineWithIsoInstants() throws Exception {
        Instant sent = Instant.parse("2026-11-22T10:15:30.123Z");
        Instant received = Instant.parse("2026-11-22T10:15:31Z");
        output.message(new IncomingMessage(new MessageId("id-1"), ALICE, 2, "hi", sent, received));
        GroupId group = GroupId.parse("00112233445566778899aabbccddeeff");
        output.message(
                new IncomingMessage(new MessageId("id-2"), BOB, 1, "there", sent, received, group));

        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals(
                List.of(
                        "id",
                        "from",
                        "fromDevice",
                        "text",
                        "sentAt",
                        "receivedAt",
                        "group",
                        "state"),
                fieldNames(first));
        assertEquals("delivered", first.get("state").asText());
        assertTrue(first.get("group").isNull(), "a 1:1 message has group null");
        assertEquals(group.value(), JSON.readTree(lines.get(1)).get("group").asText());
        assertEquals("id-1", first.get("id").asText());
        assertEquals(ALICE.value(), first.get("from").asText());
        assertEquals(2, first.get("fromDevice").asInt());
        assertEquals("2026-11-22T10:15:30.123Z", first.get("sentAt").asText());
        assertEquals("2026-11-22T10:15:31Z", first.get("receivedAt").asText());
        assertEquals("there", JSON.readTree(lines.get(1)).get("text").asText());
    }

    @Test
    void textIsEscapedSoThatItRoundTripsOnOneLine() throws Exception {
        String hostile = "quote \" backslash \\ newline \n cr \r tab \t nul \0 esc \u001b[31m ✓ 😀";
        output.message(
                new IncomingMessage(
                        new MessageId("id"), ALICE, 1, hostile, Instant.EPOCH, Instant.EPOCH));

        assertEquals(1, out.toString().lines().count(), out.toString());
        assertEquals(hostile, JSON.readTree(out.toString()).get("text").asText());
        assertTrue(out.toString().contains("✓"), "non-ASCII text is written as is");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
