package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.JSON;
import static dev.cipherline.cli.RelayUsers.jsonLines;
import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify}: safety numbers between two accounts through a real in-process relay. */
class VerifyCommandTest {
    @TempDir Path dir;
    private RelayUsers users;
    private String aliceId;
    private String bobId;

    @BeforeEach
    void setUp() throws Exception {
        users = RelayUsers.start(dir);
        aliceId = users.init("alice");
        bobId = users.init("bob");
        ok(users.as("alice", "contact", "add", "bob", bobId));
        ok(users.as("bob", "contact", "add", "alice", aliceId));
    }

    @AfterEach
    void stopRelay() {
        users.close();
    }

    private JsonNode verify(String who, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "verify";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--json";
        return JSON.readTree(ok(users.as(who, all)).stdout());
    }

    @Test
    void bothSidesPrintTheSameNumberAndConfirmMarksTheContactVerified() throws Exception {
        CliHarness.Result early = users.as("alice", "verify", "bob");
        assertEquals(5, early.exitCode(), early.toString());
        assertTrue(early.stderr().contains("send them a message"), early.stderr());

        ok(users.as("alice", "send", "bob", "hello"));
        ok(users.as("bob", "recv"));

        JsonNode fromAlice = verify("alice", "bob");
        JsonNode fromBob = verify("bob", "alice");
        assertEquals(fromAlice.get("safetyNumber").asText(), fromBob.get("safetyNumber").asText());
        assertEquals(60, fromAlice.get("safetyNumber").asText().length());
        assertEquals("bob", fromAlice.get("name").asText());
        assertEquals(bobId, fromAlice.get("accountId").asText());
        assertFalse(fromAlice.get("verified").asBoolean());

        String human = ok(users.as("alice", "verify", "bob")).stdout();
        String digits = fromAlice.get("safetyNumber").asText();
        assertTrue(human.contains(digits.substring(0, 5) + " " + digits.substring(5, 10)), human);
        assertTrue(human.contains("Not verified"), human);
        assertTrue(human.contains("cipherline verify bob --confirm"), human);

        assertTrue(verify("alice", "bob", "--confirm").get("verified").asBoolean());
        assertTrue(verify("alice", "bob").get("verified").asBoolean());
        assertTrue(ok(users.as("alice", "verify", "bob")).stdout().contains("Verified."));
        JsonNode contact = jsonLines(ok(users.as("alice", "contact", "list", "--json"))).get(0);
        assertTrue(contact.get(0).get("verified").asBoolean(), contact.toString());
        assertTrue(ok(users.as("alice", "contact", "list")).stdout().contains("verified"));
        // one-sided
        assertFalse(verify("bob", "alice").get("verified").asBoolean());
    }

    @Test
    void anUnknownNameIsRejected() {
        CliHarness.Result r = users.as("alice", "verify", "nobody");
        assertEquals(5, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("neither a contact nor an account ID"), r.stderr());
    }
}
