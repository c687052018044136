package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.jsonLines;
import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The existing commands on a second device of an account, through a real in-process relay. */
class SecondDeviceCommandsTest {
    @TempDir Path dir;
    private RelayUsers users;
    private String aliceId;
    private String bobId;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir);
        aliceId = users.init("alice");
        bobId = users.init("bob");
        users.addDevice("alice", "alice2", 2);
    }

    @AfterEach
    void stopRelay() {
        users.close();
    }

    private CliHarness.Result as(String who, String... args) {
        return users.as(who, args);
    }

    private static List<String> texts(List<JsonNode> lines) {
        return lines.stream().map(l -> l.get("text").asText()).toList();
    }

    @Test
    void sendRecvAndHistoryWorkOnDeviceTwoAndShowWhatTheOtherDeviceSentAsOutgoing()
            throws Exception {
        JsonNode whoami = jsonLines(ok(as("alice2", "whoami", "--json"))).get(0);
        assertEquals(aliceId, whoami.get("accountId").asText());
        assertEquals(2, whoami.get("deviceId").asInt());

        ok(as("alice2", "send", bobId, "from two"));
        ok(as("alice", "recv"));
        ok(as("alice", "send", bobId, "from one"));
        List<JsonNode> bobGot = jsonLines(ok(as("bob", "recv", "--json")));
        assertEquals(List.of("from two", "from one"), texts(bobGot));
        ok(as("bob", "send", aliceId, "hi alice"));

        List<JsonNode> onTwo = jsonLines(ok(as("alice2", "recv", "--json")));
        assertEquals(List.of("hi alice"), texts(onTwo));
        assertEquals(List.of("hi alice"), texts(jsonLines(ok(as("alice", "recv", "--json")))));
        for (String device : List.of("alice", "alice2")) {
            List<JsonNode> history = jsonLines(ok(as(device, "history", bobId, "--json")));
            assertEquals(List.of("from two", "from one", "hi alice"), texts(history), device);
            assertEquals("outgoing", history.get(0).get("direction").asText());
            assertEquals("outgoing", history.get(1).get("direction").asText());
            assertEquals(aliceId, history.get(0).get("from").asText());
            assertEquals(bobId, history.get(1).get("to").asText());
            assertEquals("incoming", history.get(2).get("direction").asText());
        }
    }
}
