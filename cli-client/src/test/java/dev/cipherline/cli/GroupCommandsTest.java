package dev.cipherline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code group} and group sends between three accounts through a real in-process relay. */
class GroupCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private RelayServer relay;
    private CliHarness cli;
    private String bobId;
    private String carolId;

    @BeforeEach
    void setUp() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                "127.0.0.1",
                                0,
                                dir.resolve("relay"),
                                Duration.ofDays(30),
                                100_000,
                                64),
                        Clock.systemUTC());
        cli = new CliHarness(Map.of(), dir.resolve("user"));
        ok(as("alice", "init", "--relay", relay.url().toString()));
        bobId = ok(as("bob", "init", "--relay", relay.url().toString())).stdout().strip();
        carolId = ok(as("carol", "init", "--relay", relay.url().toString())).stdout().strip();
        ok(as("alice", "contact", "add", "bob", bobId));
        ok(as("alice", "contact", "add", "carol", carolId));
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private CliHarness.Result as(String who, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = dir.resolve(who).toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.run(all);
    }

    private static CliHarness.Result ok(CliHarness.Result result) {
        assertEquals(0, result.exitCode(), result.toString());
        return result;
    }

    private static List<JsonNode> jsonLines(CliHarness.Result result) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.stdout().lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void createSendReceiveRemoveAndList() throws Exception {
        ok(as("alice", "group", "create", "team", "bob", "carol"));
        JsonNode groups = JSON.readTree(ok(as("alice", "group", "list", "--json")).stdout());
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
            JsonNode seen = JSON.readTree(ok(as(member, "group", "list", "--json")).stdout());
            assertEquals(groupId, seen.get(0).get("id").asText());
        }

        // only the admin changes members; an unknown group is refused like an unknown contact
        assertEquals(5, as("bob", "group", "remove", "team", carolId).exitCode());
        assertEquals(5, as("bob", "send", "nosuchgroup", "x").exitCode());

        ok(as("alice", "group", "remove", "team", "carol"));
        ok(as("bob", "recv"));
        ok(as("bob", "send", "team", "carol is gone"));
        List<JsonNode> atAlice = jsonLines(ok(as("alice", "recv", "--json")));
        assertEquals("carol is gone", atAlice.get(atAlice.size() - 1).get("text").asText());
        assertEquals(List.of(), jsonLines(ok(as("carol", "recv", "--json"))));
        JsonNode carolGroups = JSON.readTree(ok(as("carol", "group", "list", "--json")).stdout());
        assertFalse(carolGroups.get(0).get("active").asBoolean());
        String human = ok(as("carol", "group", "list")).stdout();
        assertTrue(human.contains("(left)"), human);
    }
}
