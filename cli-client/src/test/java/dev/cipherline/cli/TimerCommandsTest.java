package dev.cipherline.cli;

import static dev.cipherline.cli.CommandLineTest.assertOneSentence;
import static dev.cipherline.cli.RelayUsers.jsonLines;
import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code timer}: disappearing messages between two accounts through a real in-process relay. */
class TimerCommandsTest {
    @TempDir Path dir;
    private RelayUsers users;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir);
        String aliceId = users.init("alice");
        String bobId = users.init("bob");
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

    private long seconds(String who, String name) throws Exception {
        return jsonLines(ok(as(who, "timer", name, "--json"))).get(0).get("seconds").asLong();
    }

    @Test
    void theTimerIsSetShownOnBothSidesAndTurnedOff() throws Exception {
        assertEquals(
                "Disappearing messages with bob are off",
                ok(as("alice", "timer", "bob")).stdout().strip());
        assertEquals(
                "Messages with bob disappear 1 hour after they are read or sent",
                ok(as("alice", "timer", "bob", "1h")).stdout().strip());
        ok(as("bob", "recv"));
        JsonNode shown = jsonLines(ok(as("bob", "timer", "alice", "--json"))).get(0);
        assertEquals("alice", shown.get("name").asText());
        assertEquals(3600, shown.get("seconds").asLong());

        // both histories hold the note
        assertTrue(
                ok(as("bob", "history", "alice"))
                        .stdout()
                        .contains(" -- alice set messages to disappear after 1 hour --"),
                "bob's history shows who set it");
        assertTrue(
                ok(as("alice", "history", "bob"))
                        .stdout()
                        .contains(" -- You set messages to disappear after 1 hour --"));

        ok(as("bob", "timer", "alice", "OFF"));
        ok(as("alice", "recv"));
        assertEquals(0, seconds("alice", "bob"));
    }

    @Test
    void aMessageDisappearsFromBothHistoriesAfterItWasRead() throws Exception {
        ok(as("alice", "timer", "bob", "5s"));
        ok(as("bob", "recv"));
        ok(as("alice", "send", "bob", "poof"));
        ok(as("bob", "recv"));
        assertTrue(texts("bob", "alice").contains("poof"));
        ok(as("bob", "read", "alice"));
        for (String[] side : new String[][] {{"bob", "alice"}, {"alice", "bob"}}) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (texts(side[0], side[1]).contains("poof")) {
                // the notes stay; the message goes
                if (System.nanoTime() > deadline) {
                    fail(side[0] + "'s history still holds the message");
                }
                Thread.sleep(100);
            }
        }
    }

    private List<String> texts(String who, String peer) throws Exception {
        return jsonLines(ok(as(who, "history", peer, "--json"))).stream()
                .map(m -> m.get("text").asText())
                .toList();
    }

    @Test
    void badTimersAndUnknownNamesGetOneSentence() {
        for (String bad : List.of("5x", "1.5h", "-1h", "366d", "0s", "h")) {
            CliHarness.Result result = as("alice", "timer", "bob", bad);
            assertEquals(2, result.exitCode(), bad + ": " + result);
            assertOneSentence(result);
        }
        CliHarness.Result unknown = as("alice", "timer", "nobody", "1h");
        assertEquals(5, unknown.exitCode(), unknown.toString());
        assertOneSentence(unknown);
        assertTrue(unknown.stderr().contains("nobody"), unknown.toString());
    }
}
