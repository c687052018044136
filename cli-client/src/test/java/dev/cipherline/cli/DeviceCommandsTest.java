package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cipherline.cli.internal.command.CliEnvironment;
import dev.cipherline.sdk.ChatClient;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@code link} and {@code device add|list|remove}: what they print, their exit
 * codes, and that the existing commands work on a linked device. Real relay, CLI in-process.
 */
class DeviceCommandsTest {
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
    }

    @AfterEach
    void tearDown() {
        users.close();
    }

    /** A {@code link} running in the background, whose output can be read while it waits. */
    private final class RunningLink {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit;

        RunningLink(String who, String... extra) {
            String[] args = new String[5 + extra.length];
            args[0] = "--home";
            args[1] = users.home(who).toString();
            args[2] = "link";
            args[3] = "--relay=" + users.url();
            args[4] = "--no-passphrase";
            System.arraycopy(extra, 0, args, 5, extra.length);
            CliEnvironment env =
                    new CliEnvironment(
                            Map.<String, String>of()::get,
                            dir.resolve("user"),
                            new ByteArrayInputStream(new byte[0]));
            exit =
                    CompletableFuture.supplyAsync(
                            () ->
                                    dev.cipherline.cli.Main.run(
                                            env,
                                            new PrintWriter(out, true),
                                            new PrintWriter(err, true),
                                            args));
        }

        /** The URI, once the command printed it and the fingerprint. */
        String uri() throws InterruptedException {
            for (int i = 0; i < 600; i++) {
                String printed = out.toString();
                if (printed.contains("\n") && err.toString().contains("Waiting")) {
                    return printed.lines().findFirst().orElseThrow();
                }
                if (exit.isDone()) {
                    throw new AssertionError("link ended early: " + err);
                }
                Thread.sleep(50);
            }
            throw new AssertionError("link printed no URI: " + err);
        }

        String fingerprint() {
            return err.toString()
                    .lines()
                    .filter(l -> l.startsWith("Fingerprint: "))
                    .findFirst()
                    .orElseThrow()
                    .substring("Fingerprint: ".length());
        }

        int exitCode() throws Exception {
            return exit.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void linkThenDeviceAddMakesASecondDeviceOfTheAccount() throws Exception {
        RunningLink link = new RunningLink("laptop", "--name", "my laptop");
        String uri = link.uri();
        assertTrue(uri.startsWith("cipherline-link:?v=1&"), uri);
        assertTrue(link.err.toString().contains("█"), "a QR code is drawn");
        String fingerprint = link.fingerprint();
        assertTrue(fingerprint.matches("\\d{4} \\d{4} \\d{4}"), fingerprint);

        CliHarness.Result add = users.asWithStdin("y\n", "alice", "device", "add", uri);
        assertEquals(0, add.exitCode(), add.toString());
        assertEquals("2", add.stdout().strip(), "prints the new device's ID");
        assertTrue(add.stderr().contains("Fingerprint: " + fingerprint), add.stderr());

        assertEquals(0, link.exitCode(), link.err.toString());
        assertEquals(aliceId, link.out.toString().lines().skip(1).findFirst().orElseThrow());

        CliHarness.Result whoami = ok(users.as("laptop", "whoami", "--json"));
        JsonNode me = RelayUsers.JSON.readTree(whoami.stdout());
        assertEquals(aliceId, me.get("accountId").asText());
        assertEquals(2, me.get("deviceId").asInt());
        assertTrue(ok(users.as("laptop", "contact", "list")).stdout().contains(bobId));

        JsonNode devices =
                RelayUsers.JSON.readTree(
                        ok(users.as("laptop", "device", "list", "--json")).stdout());
        assertEquals(2, devices.size());
        assertEquals(1, devices.get(0).get("deviceId").asInt());
        assertFalse(devices.get(0).get("thisDevice").asBoolean());
        assertTrue(devices.get(1).get("thisDevice").asBoolean());
        assertTrue(devices.get(1).has("linkedAt") && devices.get(1).has("lastSeen"));
        assertEquals("my laptop", devices.get(1).get("name").asText(), "its --name");
        assertTrue(devices.get(0).has("name"), "device 1's name (init's default: the host name)");
        String laptopTable = ok(users.as("laptop", "device", "list")).stdout();
        assertTrue(laptopTable.lines().skip(1).findFirst().orElseThrow().contains("my laptop"));
        ok(users.as("laptop", "device", "rename", "work laptop"));
        JsonNode renamed =
                RelayUsers.JSON.readTree(
                        ok(users.as("laptop", "device", "list", "--json")).stdout());
        assertEquals("work laptop", renamed.get(1).get("name").asText());
        assertEquals(2, users.as("laptop", "device", "rename", "").exitCode(), "an empty name");
        String table = ok(users.as("alice", "device", "list")).stdout();
        assertEquals(2, table.lines().count(), table);
        assertTrue(table.lines().findFirst().orElseThrow().endsWith("(this device)"), table);

        // the existing commands work unchanged on the linked device
        ok(users.as("laptop", "send", "bob", "hello from the laptop"));
        CliHarness.Result recv = ok(users.as("bob", "recv", "--wait", "5"));
        assertTrue(recv.stdout().contains("hello from the laptop"), recv.toString());

        ok(users.as("alice", "device", "remove", "2"));
        CliHarness.Result removed = users.as("laptop", "device", "list");
        assertEquals(6, removed.exitCode(), "a removed device is refused: " + removed);
        assertEquals(
                1,
                RelayUsers.JSON
                        .readTree(ok(users.as("alice", "device", "list", "--json")).stdout())
                        .size());
    }

    @Test
    void aDeclinedLinkSendsNothingAndExits5() throws Exception {
        RunningLink link = new RunningLink("laptop", "--no-qr");
        String uri = link.uri();
        assertFalse(link.err.toString().contains("█"), "--no-qr draws none");
        CliHarness.Result no = users.asWithStdin("n\n", "alice", "device", "add", uri);
        assertEquals(5, no.exitCode(), no.toString());
        assertTrue(no.stderr().contains("declined"), no.stderr());
        assertEquals("", no.stdout());
        // the same URI, confirmed for scripts, still works: nothing was sent before
        CliHarness.Result yes = users.as("alice", "device", "add", "--yes", uri);
        assertEquals(0, yes.exitCode(), yes.toString());
        assertEquals(0, link.exitCode());
        assertTrue(ChatClient.isInitialized(users.home("laptop")));
    }

    @Test
    void badInputGetsOneSentenceAndItsExitCode() {
        CliHarness.Result bad = users.as("alice", "device", "add", "--yes", "not-a-link");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertEquals(1, bad.stderr().lines().count(), bad.stderr());
        assertTrue(bad.stderr().startsWith("cipherline: "), bad.stderr());

        CliHarness.Result unknown = users.as("alice", "device", "remove", "9");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().contains("no device 9"), unknown.stderr());

        CliHarness.Result again =
                users.as("alice", "link", "--relay", users.url().toString(), "--no-passphrase");
        assertEquals(3, again.exitCode(), "an account is already here: " + again);
        CliHarness.Result none = users.as("nobody", "device", "list");
        assertEquals(3, none.exitCode(), none.toString());
    }
}
