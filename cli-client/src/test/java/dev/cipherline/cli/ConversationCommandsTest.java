package dev.cipherline.cli;

import static dev.cipherline.cli.CommandLineTest.assertOneSentence;
import static dev.cipherline.cli.RelayUsers.jsonLines;
import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code history} and {@code read} between two accounts through a real in-process relay. */
class ConversationCommandsTest {

    @TempDir Path dir;
    private RelayUsers users;
    private String aliceId;
    private String bobId;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir);
        aliceId = users.init("alice");
        bobId = users.init("bob");
        ok(as("alice", "contact", "add", "bob", bobId));
        ok(as("bob", "contact", "add", "alice", aliceId));
    }

    @AfterEach
    void stopRelay() {
        users.close();
    }

    private CliHarness.Result as(String who, String... args) {
        return users.as(who, args);
    }

    @Test
    void historyShowsBothSidesWithStatesAndReadSendsTheTicksBack() throws Exception {
        ok(as("alice", "send", "bob", "one"));
        ok(as("alice", "send", "bob", "two"));
        ok(as("bob", "recv"));
        ok(as("bob", "send", "alice", "hi alice"));

        List<JsonNode> bobSide = jsonLines(ok(as("bob", "history", "alice", "--json")));
        assertEquals(3, bobSide.size());
        JsonNode first = bobSide.get(0);
        assertEquals("one", first.get("text").asText());
        assertEquals("incoming", first.get("direction").asText());
        assertEquals(aliceId, first.get("from").asText());
        assertEquals(bobId, first.get("to").asText());
        assertEquals("delivered", first.get("state").asText());
        assertTrue(first.get("receivedAt").isTextual());
        JsonNode reply = bobSide.get(2);
        assertEquals("outgoing", reply.get("direction").asText());
        assertEquals(bobId, reply.get("from").asText());
        assertEquals(aliceId, reply.get("to").asText());
        assertTrue(reply.get("receivedAt").isNull());
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
                fieldNames(reply));
        assertTrue(reply.get("failure").isNull());

        ok(as("bob", "read", "alice"));
        for (JsonNode m : jsonLines(ok(as("bob", "history", "alice", "--json", "--limit", "2")))) {
            if (m.get("direction").asText().equals("incoming")) {
                assertEquals("read", m.get("state").asText());
            }
        }

        // alice fetches the receipts (and bob's reply) and sees the ticks
        ok(as("alice", "recv"));
        List<JsonNode> aliceSide = jsonLines(ok(as("alice", "history", "bob", "--json")));
        assertEquals("read", aliceSide.get(0).get("state").asText());
        assertEquals("read", aliceSide.get(1).get("state").asText());
        assertEquals("hi alice", aliceSide.get(2).get("text").asText());

        CliHarness.Result human = ok(as("alice", "history", "bob", "--limit", "3"));
        List<String> lines = human.stdout().lines().toList();
        assertEquals(3, lines.size(), human.toString());
        assertTrue(lines.get(0).endsWith(" me: one  [read]"), lines.get(0));
        assertTrue(lines.get(2).endsWith(" " + bobId + ": hi alice"), lines.get(2));
    }

    @Test
    void badNamesAndLimitsHaveTheirExitCodes() {
        CliHarness.Result unknown = as("alice", "history", "nobody");
        assertEquals(5, unknown.exitCode(), unknown.toString());
        assertOneSentence(unknown);

        CliHarness.Result readUnknown = as("alice", "read", "nobody");
        assertEquals(5, readUnknown.exitCode(), readUnknown.toString());
        assertOneSentence(readUnknown);

        CliHarness.Result badLimit = as("alice", "history", "bob", "--limit", "0");
        assertEquals(2, badLimit.exitCode(), badLimit.toString());
        assertOneSentence(badLimit);

        CliHarness.Result nothing = ok(as("alice", "history", "bob"));
        assertEquals("", nothing.stdout());
        ok(as("alice", "read", "bob"));
    }

    @Test
    void aReadReceiptThatTheRelayCannotTakeExitsWith4AndStaysQueued() throws Exception {
        ok(as("alice", "send", "bob", "one"));
        ok(as("bob", "recv"));
        users.close();

        CliHarness.Result read = as("bob", "read", "alice", "--timeout", "0.5");

        assertEquals(4, read.exitCode(), read.toString());
        assertOneSentence(read);
        assertTrue(read.stderr().contains("stays queued"), read.stderr());
        assertEquals(
                "read",
                jsonLines(ok(as("bob", "history", "alice", "--json"))).get(0).get("state").asText(),
                "marked read locally all the same");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void historyPagesSearchesAndDeletes() throws Exception {
        for (String text : new String[] {"alpha", "Beta", "gamma", "beta again"}) {
            ok(as("alice", "send", "bob", text));
        }
        List<JsonNode> all = jsonLines(ok(as("alice", "history", "bob", "--json")));
        assertEquals(4, all.size());
        String first = all.get(0).get("id").asText();
        String third = all.get(2).get("id").asText();

        List<JsonNode> after =
                jsonLines(
                        ok(
                                as(
                                        "alice", "history", "bob", "--json", "--after", first,
                                        "--limit", "2")));
        assertEquals(
                List.of("Beta", "gamma"), after.stream().map(m -> m.get("text").asText()).toList());
        List<JsonNode> before =
                jsonLines(ok(as("alice", "history", "bob", "--json", "--before", third)));
        assertEquals(
                List.of("alpha", "Beta"),
                before.stream().map(m -> m.get("text").asText()).toList());
        List<JsonNode> found =
                jsonLines(ok(as("alice", "history", "bob", "--json", "--search", "BETA")));
        assertEquals(
                List.of("Beta", "beta again"),
                found.stream().map(m -> m.get("text").asText()).toList());
        assertEquals(
                2, as("alice", "history", "bob", "--after", first, "--search", "x").exitCode());

        ok(as("alice", "delete", "bob", first));
        assertEquals(3, jsonLines(ok(as("alice", "history", "bob", "--json"))).size());
        CliHarness.Result gone = as("alice", "delete", "bob", first);
        assertEquals(5, gone.exitCode(), gone.toString());
        assertEquals(2, as("alice", "delete", "bob").exitCode(), "IDs or --all");
        ok(as("alice", "delete", "bob", "--all"));
        assertEquals(List.of(), jsonLines(ok(as("alice", "history", "bob", "--json"))));

        // recv --json says what state a received message is in
        List<JsonNode> received = jsonLines(ok(as("bob", "recv", "--json")));
        assertEquals(4, received.size());
        assertEquals("delivered", received.get(0).get("state").asText());
    }
}
