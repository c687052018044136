package dev.cipherline.cli;

import static dev.cipherline.cli.CommandLineTest.assertOneSentence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RegistrationPolicy;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.AccountId;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cipherline init --invite} against a real relay that admits holders of an invite only. */
class InviteInitTest {
    @TempDir Path dir;

    private RelayServer relay;
    private CliHarness cli;

    @BeforeEach
    void start() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        Duration.ofDays(30),
                                        100_000,
                                        64)
                                .withOperations(
                                        new Operations("127.0.0.1", 0, RegistrationPolicy.INVITE)),
                        Clock.systemUTC());
        cli = new CliHarness(Map.of(), dir.resolve("user"));
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private String createInvite() throws Exception {
        String adminToken = Files.readString(dir.resolve("relay").resolve("admin.token")).strip();
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                relay.adminUrl().resolve("/v1/admin/invites"))
                                        .POST(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"uses\":1,\"expiresInSeconds\":600}"))
                                        .header("Authorization", "Bearer " + adminToken)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"").matcher(response.body());
        assertTrue(m.find(), response.body());
        return m.group(1);
    }

    private CliHarness.Result init(String home, String... extra) {
        String[] args =
                new String[] {
                    "--home",
                    dir.resolve(home).toString(),
                    "init",
                    "--relay",
                    relay.url().toString(),
                    "--no-passphrase"
                };
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return cli.run(all);
    }

    @Test
    void withoutAnInviteInitIsRefusedInOneSentenceAndWithOneItWorksOnce() throws Exception {
        CliHarness.Result refused = init("a");
        assertEquals(5, refused.exitCode(), refused.toString());
        assertOneSentence(refused);
        assertTrue(refused.stderr().contains("invite"), refused.stderr());

        String invite = createInvite();
        CliHarness.Result ok = init("a", "--invite", invite);
        assertEquals(0, ok.exitCode(), ok.toString());
        String id = ok.stdout().strip();
        assertEquals(id, AccountId.parse(id).value());

        CliHarness.Result used = init("b", "--invite", invite);
        assertEquals(5, used.exitCode(), used.toString());
        assertOneSentence(used);
        assertTrue(used.stderr().contains("used up"), used.stderr());
    }

    @Test
    void aMalformedInviteIsAUsageError() {
        CliHarness.Result bad = init("a", "--invite", "not a token!");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertOneSentence(bad);
    }
}
