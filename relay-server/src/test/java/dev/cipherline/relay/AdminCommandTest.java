package dev.cipherline.relay;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.relay.internal.admin.AdminCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin command, run as {@code Main} runs it, against a whole relay in this process. */
class AdminCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private RelayServer relay;

    record Run(int exitCode, String stdout, String stderr) {}

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("data"),
                                        Duration.ofDays(30),
                                        1000,
                                        64)
                                .withOperations(
                                        new Operations("127.0.0.1", 0, RegistrationPolicy.INVITE)),
                        Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private Run admin(String... args) {
        List<String> all = new ArrayList<>();
        all.add("--admin");
        all.add(relay.adminUrl().toString());
        all.add("--data");
        all.add(dir.resolve("data").toString());
        all.addAll(List.of(args));
        return run(all);
    }

    private static Run run(List<String> all) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                new AdminCommand(
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8))
                        .run(all);
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private int register(Vectors.Vector device, String invite) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                .POST(
                                        HttpRequest.BodyPublishers.ofByteArray(
                                                new FrameCodec()
                                                        .encodeJson(
                                                                device.registration(1)
                                                                        .withInvite(invite))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void anInviteMadeByTheCommandRegistersAndIsListedAndRevoked() throws Exception {
        Run created = admin("invite", "create", "--uses", "2", "--expires", "1h");
        assertEquals(0, created.exitCode(), created.toString());
        Matcher m = Pattern.compile("token \\(shown once\\): (\\S+)").matcher(created.stdout());
        assertTrue(m.find(), created.stdout());
        String token = m.group(1);
        assertEquals(201, register(ALICE_1, token));

        Run list = admin("invite", "list");
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stdout().contains("1 of 2"), list.stdout());
        assertFalse(list.stdout().contains(token), "the list never shows a token");

        Run json = admin("--json", "invite", "list");
        JsonNode invite = JSON.readTree(json.stdout()).get("invites").get(0);
        assertEquals(1, invite.get("usesLeft").asInt());
        String id = invite.get("id").asText();

        Run revoked = admin("invite", "revoke", id);
        assertEquals(0, revoked.exitCode(), revoked.toString());
        assertEquals(403, register(BOB_1, token), "a revoked invite registers nobody");
        Run again = admin("invite", "revoke", id);
        assertEquals(1, again.exitCode());
        assertTrue(again.stderr().contains("no invite has this ID"), again.stderr());
    }

    @Test
    void theRelaysConfigFileNamesTheAdminListenerAndTheDataDirectory() throws Exception {
        Path config = dir.resolve("relay.toml");
        Files.writeString(
                config,
                "admin-listen = \"127.0.0.1:"
                        + relay.adminUrl().getPort()
                        + "\"\ndata = \""
                        + dir.resolve("data")
                        + "\"\n");
        Run status = run(List.of("--config", config.toString(), "--json", "status"));
        assertEquals(0, status.exitCode(), status.toString());
        assertEquals("invite", JSON.readTree(status.stdout()).get("registration").asText());

        Files.writeString(config, "admin-listen = \"off\"\n");
        Run off = run(List.of("--config", config.toString(), "status"));
        assertEquals(2, off.exitCode(), off.toString());
        assertTrue(off.stderr().contains("admin listener is off"), off.stderr());
    }

    @Test
    void statusShowsConnectionsQueueAndPolicy() throws Exception {
        Run status = admin("--json", "status");
        assertEquals(0, status.exitCode(), status.toString());
        JsonNode s = JSON.readTree(status.stdout());
        assertEquals("invite", s.get("registration").asText());
        assertEquals(0, s.get("queueEntries").asLong());
        assertTrue(s.get("uptimeSeconds").asLong() >= 0);
        Run table = admin("status");
        assertTrue(table.stdout().contains("registration  invite"), table.stdout());
    }

    @Test
    void aWrongTokenOrArgumentIsOneSentenceAndItsExitCode() throws Exception {
        Path wrong = dir.resolve("wrong.token");
        Files.writeString(wrong, "not-the-token\n");
        Run refused = admin("--token-file", wrong.toString(), "status");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("refused the admin token"), refused.stderr());

        for (String[] bad :
                List.of(
                        new String[] {"invite", "create", "--uses", "0"},
                        new String[] {"invite", "create", "--expires", "soon"},
                        new String[] {"invite", "revoke", "XYZ"},
                        new String[] {"frobnicate"},
                        new String[] {"status", "--uses", "3"})) {
            Run r = admin(bad);
            assertEquals(2, r.exitCode(), String.join(" ", bad) + ": " + r);
            assertEquals(1, r.stderr().lines().count(), r.stderr());
            assertFalse(r.stderr().contains("Exception"), r.stderr());
        }
        relay.close();
        Run down = admin("status");
        assertEquals(1, down.exitCode());
        assertTrue(down.stderr().contains("cannot reach the admin listener"), down.stderr());
    }

    @Test
    void deviceListShowsTheDevicesAndRevokeClosesTheConnectionAndRefusesLogins() throws Exception {
        Run created = admin("invite", "create", "--uses", "2");
        Matcher m = Pattern.compile("token \\(shown once\\): (\\S+)").matcher(created.stdout());
        assertTrue(m.find(), created.stdout());
        assertEquals(201, register(ALICE_1, m.group(1)));
        assertEquals(201, register(BOB_1, m.group(1)));

        try (WsClient alice = WsClient.authenticated(relay.url(), ALICE_1)) {
            alice.expect(Frame.Synced.class);
            // the store has one writer: once this send is accepted, the record of the
            // authentication, written before it, is committed too
            alice.send(
                    new Frame.Send(
                            "after-auth",
                            dev.cipherline.protocol.Kind.MESSAGE,
                            System.currentTimeMillis() + 60_000,
                            null,
                            List.of(
                                    new Frame.Recipient(
                                            BOB_1.accountId(),
                                            BOB_1.deviceId(),
                                            BOB_1.registrationId(),
                                            new byte[10]))));
            alice.expect(Frame.Accepted.class);
            Run list = admin("--json", "device", "list", ALICE_1.accountId());
            assertEquals(0, list.exitCode(), list.toString());
            JsonNode device = JSON.readTree(list.stdout()).get("devices").get(0);
            assertEquals(1, device.get("deviceId").asInt());
            assertTrue(device.get("lastSeen").asLong() > 0, "seen when it authenticated");
            assertEquals(0, device.get("queued").asLong());
            Run table = admin("device", "list", BOB_1.accountId());
            assertTrue(table.stdout().contains("never"), table.stdout());
            assertTrue(table.stdout().strip().endsWith(" 1"), "one entry queued: " + table);

            Run revoked = admin("device", "revoke", ALICE_1.accountId(), "1");
            assertEquals(0, revoked.exitCode(), revoked.toString());
            assertEquals(
                    dev.cipherline.protocol.CloseCodes.REMOVED,
                    alice.closeCode(),
                    "its connection is closed");
        }
        try (WsClient again = new WsClient(relay.url())) {
            Frame.Challenge challenge = again.expect(Frame.Challenge.class);
            again.send(again.authFor(challenge, ALICE_1));
            assertEquals(ErrorCode.AUTH_FAILED, again.expect(Frame.ErrorFrame.class).code());
        }
        Run empty = admin("--json", "device", "list", ALICE_1.accountId());
        assertEquals(0, JSON.readTree(empty.stdout()).get("devices").size());
        Run again = admin("device", "revoke", ALICE_1.accountId());
        assertEquals(1, again.exitCode());
        assertTrue(again.stderr().contains("no such device"), again.stderr());
        Run bad = admin("device", "list", "not-an-account");
        assertEquals(2, bad.exitCode());
    }
}
