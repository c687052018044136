package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.protocol.AccountIds;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `cipherline` command's scriptable contract, driven as separate processes. */
class CliContractIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void twoUsersChatThroughTheCliWhileTheRecipientIsOffline() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"))) {
            // alice's store is protected by a passphrase (from the environment), bob's is not
            Cli alice = new Cli(dir.resolve("alice"), "alice's long passphrase");
            Cli bob = new Cli(dir.resolve("bob"));

            Cli.Result aliceInit =
                    alice.run("init", "--relay", relay.url().toString(), "--name", "alice");
            assertEquals(0, aliceInit.exitCode(), aliceInit.toString());
            String aliceId = aliceInit.stdout().strip();
            assertTrue(AccountIds.isValid(aliceId), "init prints the account ID: " + aliceInit);
            Cli.Result bobInit =
                    bob.run("init", "--relay", relay.url().toString(), "--no-passphrase");
            assertTrue(bobInit.stderr().contains("no passphrase"), bobInit.toString());
            Cli.Result locked = new Cli(dir.resolve("alice")).run("whoami");
            assertEquals(7, locked.exitCode(), locked.toString());
            assertTrue(locked.stderr().contains("CIPHERLINE_PASSPHRASE"), locked.toString());
            Cli.Result wrong = new Cli(dir.resolve("alice"), "not it").run("whoami");
            assertEquals(7, wrong.exitCode(), wrong.toString());
            assertTrue(wrong.stderr().contains("wrong passphrase"), wrong.toString());
            assertEquals(0, bobInit.exitCode(), bobInit.toString());
            String bobId = bobInit.stdout().strip();

            JsonNode me = JSON.readTree(alice.run("whoami", "--json").stdout());
            assertEquals(aliceId, me.get("accountId").asText());
            assertEquals(1, me.get("deviceId").asInt());
            assertEquals("alice", me.get("name").asText());
            JsonNode viaEnv = JSON.readTree(alice.runWithEnvHome("whoami", "--json").stdout());
            assertEquals(aliceId, viaEnv.get("accountId").asText(), "CIPHERLINE_HOME is honoured");

            assertEquals(0, alice.run("contact", "add", "bob", bobId).exitCode());
            JsonNode contacts = JSON.readTree(alice.run("contact", "list", "--json").stdout());
            assertEquals(1, contacts.size());
            assertEquals("bob", contacts.get(0).get("name").asText());
            assertEquals(bobId, contacts.get(0).get("accountId").asText());

            Cli.Result one = alice.run("send", "bob", "hello from the terminal");
            assertEquals(0, one.exitCode(), one.toString());
            Cli.Result many =
                    alice.runWithStdin(
                            "line one\nline two, with \"quotes\"\nline three ✓\n",
                            "send",
                            bobId,
                            "--stdin");
            assertEquals(0, many.exitCode(), many.toString());

            Cli.Result received = bob.run("recv", "--json");
            assertEquals(0, received.exitCode(), received.toString());
            List<JsonNode> lines = new ArrayList<>();
            for (String line : received.lines()) {
                lines.add(JSON.readTree(line));
            }
            assertEquals(
                    List.of(
                            "hello from the terminal",
                            "line one",
                            "line two, with \"quotes\"",
                            "line three ✓"),
                    lines.stream().map(l -> l.get("text").asText()).toList());
            for (JsonNode line : lines) {
                assertEquals(aliceId, line.get("from").asText());
                assertFalse(line.get("id").asText().isBlank());
                Instant sent = Instant.parse(line.get("sentAt").asText());
                Instant got = Instant.parse(line.get("receivedAt").asText());
                assertFalse(got.isBefore(sent.minusSeconds(5)), line.toString());
            }

            Cli.Result again = bob.run("recv", "--json");
            assertEquals(0, again.exitCode(), again.toString());
            assertEquals(List.of(), again.lines(), "each message is received exactly once");

            // recv --wait keeps listening for live messages
            CompletableFuture<Cli.Result> listening =
                    CompletableFuture.supplyAsync(() -> runUnchecked(bob, "recv", "--wait", "8"));
            assertEquals(0, alice.run("send", "bob", "live one").exitCode());
            Cli.Result live = listening.get(2, TimeUnit.MINUTES);
            assertEquals(0, live.exitCode(), live.toString());
            assertTrue(live.stdout().contains("live one"), live.toString());
        }
    }

    @Test
    void errorsAreOneSentenceOnStderrWithDocumentedExitCodes() throws Exception {
        Cli nobody = new Cli(dir.resolve("nobody"));

        Cli.Result notInitialized = nobody.run("whoami");
        assertEquals(3, notInitialized.exitCode(), notInitialized.toString());
        assertOneSentence(notInitialized);

        Cli.Result usage = nobody.run("send");
        assertEquals(2, usage.exitCode(), usage.toString());

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Cli.Result unreachable =
                nobody.run("init", "--relay", "http://127.0.0.1:" + closedPort, "--no-passphrase");
        assertEquals(4, unreachable.exitCode(), unreachable.toString());
        assertOneSentence(unreachable);

        try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"))) {
            Cli alice = new Cli(dir.resolve("alice"));
            Cli.Result noPassphrase = alice.run("init", "--relay", relay.url().toString());
            assertEquals(2, noPassphrase.exitCode(), "no terminal, no variable: " + noPassphrase);
            assertOneSentence(noPassphrase);
            assertEquals(
                    0,
                    alice.run("init", "--relay", relay.url().toString(), "--no-passphrase")
                            .exitCode());

            Cli.Result unknownContact = alice.run("send", "carol", "hi");
            assertEquals(5, unknownContact.exitCode(), unknownContact.toString());
            assertOneSentence(unknownContact);

            Cli.Result badId = alice.run("contact", "add", "carol", "not-an-account-id");
            assertEquals(2, badId.exitCode(), badId.toString());
            assertOneSentence(badId);

            Cli.Result twice =
                    alice.run("init", "--relay", relay.url().toString(), "--no-passphrase");
            assertEquals(3, twice.exitCode(), twice.toString());
            assertOneSentence(twice);

            // one client per home: while an app (this test) has alice's store open, a command
            // on it is refused at once; once the app closed it, the command works again
            try (var app = Accounts.open(dir.resolve("alice"), new RecordingListener())) {
                Cli.Result inUse = alice.run("whoami");
                assertEquals(3, inUse.exitCode(), inUse.toString());
                assertTrue(inUse.stderr().contains("in use"), inUse.toString());
                assertOneSentence(inUse);
            }
            Cli.Result free = alice.run("whoami");
            assertEquals(0, free.exitCode(), free.toString());
        }
    }

    private static void assertOneSentence(Cli.Result result) {
        String err = result.stderr().strip();
        assertFalse(err.isEmpty(), "an error explains itself on stderr");
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertEquals(1, err.lines().count(), "one sentence: " + err);
    }

    private static Cli.Result runUnchecked(Cli cli, String... args) {
        try {
            return cli.run(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
