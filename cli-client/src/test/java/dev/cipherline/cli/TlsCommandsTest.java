package dev.cipherline.cli;

import static dev.cipherline.cli.RelayUsers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.relay.TestPki;
import dev.cipherline.relay.TlsFiles;
import dev.cipherline.sdk.RelayTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code init --relay wss://... --relay-ca FILE --relay-pin PIN} against a relay serving TLS with
 * certificates made in the test: the trust is kept in the home directory for later commands, and a
 * refused certificate ends a command with exit 8 and one sentence.
 */
class TlsCommandsTest {
    @TempDir Path dir;

    private final TestPki pki = TestPki.create("Cipherline Test CA");
    private TestPki.Issued cert;
    private RelayServer relay;
    private CliHarness cli;
    private String wss;
    private Path caFile;

    @BeforeEach
    void startRelay() throws Exception {
        cert = pki.server();
        Path certFile = dir.resolve("relay.crt");
        Path keyFile = dir.resolve("relay.key");
        cert.write(certFile, keyFile);
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        Duration.ofDays(30),
                                        100_000,
                                        64)
                                .withTls(new TlsFiles(certFile, keyFile)),
                        Clock.systemUTC());
        wss = "wss://localhost:" + relay.address().getPort();
        caFile = dir.resolve("ca.pem");
        Files.writeString(caFile, TestPki.pem(pki.ca()));
        cli = new CliHarness(Map.of(), dir.resolve("user"));
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

    private String init(String who, String... trust) {
        String[] args = new String[4 + trust.length];
        args[0] = "init";
        args[1] = "--relay";
        args[2] = wss;
        args[3] = "--no-passphrase";
        System.arraycopy(trust, 0, args, 4, trust.length);
        return ok(as(who, args)).stdout().strip();
    }

    @Test
    void aPrivateCaAndAPinGivenAtInitServeEveryLaterCommand() throws Exception {
        String pin = RelayTrust.pin(cert.certificate());
        String aliceId = init("alice", "--relay-ca", caFile.toString(), "--relay-pin", pin);
        String bobId = init("bob", "--relay-ca", caFile.toString());
        assertTrue(Files.exists(dir.resolve("alice").resolve("relay-ca.pem")));
        assertEquals(pin, Files.readString(dir.resolve("alice").resolve("relay-pins")).strip());

        ok(as("alice", "contact", "add", "bob", bobId));
        ok(as("alice", "send", "bob", "hello over wss"));
        CliHarness.Result received = ok(as("bob", "recv"));

        assertTrue(received.stdout().contains(aliceId + ": hello over wss"), received.toString());
        String whoami = ok(as("alice", "whoami", "--json")).stdout();
        assertTrue(
                whoami.contains("\"https://localhost:" + relay.address().getPort() + "\""), whoami);
    }

    @Test
    void aPinMatchingNothingEndsInitWithExit8AndOneSentence() {
        String wrong = RelayTrust.pin(TestPki.create("Another CA").ca());

        CliHarness.Result r =
                as(
                        "alice",
                        "init",
                        "--relay",
                        wss,
                        "--no-passphrase",
                        "--relay-ca",
                        caFile.toString(),
                        "--relay-pin",
                        wrong);

        assertEquals(8, r.exitCode(), r.toString());
        assertEquals(1, r.errLines().size(), r.toString());
        assertTrue(
                r.errLines().get(0).startsWith("cipherline: the relay at https://localhost:"),
                r.toString());
        assertTrue(r.stderr().contains("matching none of the pinned keys"), r.toString());
        assertFalse(Files.exists(dir.resolve("alice").resolve("relay-pins")));
    }

    @Test
    void anUntrustedCaEndsInitWithExit8() {
        CliHarness.Result r = as("alice", "init", "--relay", wss, "--no-passphrase");

        assertEquals(8, r.exitCode(), r.toString());
        assertTrue(
                r.stderr().contains("from an authority this client does not trust"), r.toString());
    }

    @Test
    void aLaterCommandWhoseRelayNoLongerMatchesThePinEndsAtOnceWithExit8() throws Exception {
        init("alice", "--relay-ca", caFile.toString());
        Files.writeString(
                dir.resolve("alice").resolve("relay-pins"),
                RelayTrust.pin(TestPki.create("Another CA").ca()) + "\n");

        CliHarness.Result r = as("alice", "recv", "--timeout", "60");

        assertEquals(8, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("matching none of the pinned keys"), r.toString());
    }

    @Test
    void aMalformedPinIsAUsageError() {
        CliHarness.Result r =
                as("alice", "init", "--relay", wss, "--no-passphrase", "--relay-pin", "abc");

        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("a relay pin must be sha256/"), r.toString());
    }
}
