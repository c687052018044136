package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.jsonLines;
import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code group} and group sends between three accounts through a real in-process relay. */
class GroupCommandsTest {

    @TempDir Path dir;
    private RelayUsers users;
    private String bobId;
    private String carolId;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir);
        users.init("alice");
        bobId = users.init("bob");
        carolId = users.init("carol");
        ok(as("alice", "contact", "add", "bob", bobId));
        ok(as("alice", "contact", "add", "carol", carolId));
    }

    @AfterEach
    void stopRelay() {
        users.close();
    }

    private CliHarness.Result as(String who, String... args) {
        return users.as(who, args);
    }

    @Test
    void createSendReceiveRemoveAndList() throws Exception {
        ok(as("alice", "group", "create", "team", "bob", "carol"));
        JsonNode groups =
                RelayUsers.JSON.readTree(ok(as("alice", "group", "list", "--json")).stdout());
        assertEquals(1, groups.size());
        String groupId = groups.get(0).get("id").asText();
        assertEquals("team", groups.get(0).get("name").asText());
        assertEquals(3, groups.get(0).get("members").size());

        ok(as("alice", "send", "team", "hello team"));
        for (String member : List.of("bob", "carol")) {
            List<JsonNode> received = jsonLines(ok(as(member, "recv", "--json")));
            assertEquals(1, received.size(), member + ": " + received);
            assertEquals("hello team", received.get(0).get("text").asText());
            assertEquals(groupId, received.get(0).get("group").asText());
            JsonNode seen =
                    RelayUsers.JSON.readTree(ok(as(member, "group", "list", "--json")).stdout());
            assertEquals(groupId, seen.get(0).get("id").asText());
        }
        // history and read take a group's name too
        List<JsonNode> bobsHistory = jsonLines(ok(as("bob", "history", "team", "--json")));
        assertEquals(1, bobsHistory.size());
        assertEquals("hello team", bobsHistory.get(0).get("text").asText());
        assertEquals("delivered", bobsHistory.get(0).get("state").asText());
        ok(as("bob", "read", "team"));
        assertEquals(
                "read",
                jsonLines(ok(as("bob", "history", "team", "--json"))).get(0).get("state").asText());
        List<JsonNode> alicesHistory = jsonLines(ok(as("alice", "history", "team", "--json")));
        assertEquals("outgoing", alicesHistory.get(0).get("direction").asText());

        // only the admin changes members; an unknown group is refused like an unknown contact
        assertEquals(5, as("bob", "group", "remove", "team", carolId).exitCode());
        assertEquals(5, as("bob", "send", "nosuchgroup", "x").exitCode());

        ok(as("alice", "group", "remove", "team", "carol"));
        ok(as("bob", "recv"));
        ok(as("bob", "send", "team", "carol is gone"));
        List<JsonNode> atAlice = jsonLines(ok(as("alice", "recv", "--json")));
        assertEquals("carol is gone", atAlice.get(atAlice.size() - 1).get("text").asText());
        assertEquals(List.of(), jsonLines(ok(as("carol", "recv", "--json"))));
        JsonNode carolGroups =
                RelayUsers.JSON.readTree(ok(as("carol", "group", "list", "--json")).stdout());
        assertFalse(carolGroups.get(0).get("active").asBoolean());
        String human = ok(as("carol", "group", "list")).stdout();
        assertTrue(human.contains("(left)"), human);
    }
}
