package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.StoreProtection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay process serving TLS with a CA and certificate made by the openssl commands that
 * docs/OPERATIONS.md gives operators (so those commands are checked too), and SDK clients that
 * trust that CA and pin the key computed by the documented openssl pipeline. Skipped where openssl
 * is not installed; the SDK's and relay's own TLS tests make their certificates with BouncyCastle.
 */
class TlsRelayIT {
    @TempDir Path dir;

    private String sh(String script) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + script)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    private static boolean opensslInstalled() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theDocumentedCertificatesServeARelayProcessThatClientsTrustAndPin() throws Exception {
        assumeTrue(opensslInstalled(), "openssl is not installed");
        // docs/OPERATIONS.md, "TLS", with the names a loopback test needs
        sh(
                """
                openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \\
                    -subj "/CN=Example relay CA" -keyout ca.key -out ca.pem 2>/dev/null
                openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \\
                    -subj "/CN=localhost" -keyout relay.key -out relay.csr 2>/dev/null
                openssl x509 -req -in relay.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 365 \\
                    -extfile <(printf "subjectAltName=DNS:localhost,IP:127.0.0.1") -out relay.crt 2>/dev/null
                cat ca.pem >> relay.crt
                """);
        String pin =
                "sha256/"
                        + sh(
                                """
                                openssl x509 -in relay.crt -pubkey -noout | openssl pkey -pubin -outform der \\
                                  | openssl dgst -sha256 -binary | openssl enc -base64
                                """);
        X509Certificate leaf =
                (X509Certificate)
                        CertificateFactory.getInstance("X.509")
                                .generateCertificate(
                                        new ByteArrayInputStream(
                                                Files.readAllBytes(dir.resolve("relay.crt"))));
        assertEquals(RelayTrust.pin(leaf), pin);

        RelayProcess relay =
                RelayProcess.start(
                        dir.resolve("relay"),
                        "--tls-cert",
                        dir.resolve("relay.crt").toString(),
                        "--tls-key",
                        dir.resolve("relay.key").toString());
        try {
            assertEquals("https", relay.url().getScheme());
            URI wss = URI.create("wss://localhost:" + relay.port());
            RelayTrust trust = RelayTrust.authorities(dir.resolve("ca.pem")).withPins(pin);
            AccountInfo alice =
                    ChatClient.initialize(
                            dir.resolve("alice"),
                            List.of(wss),
                            "alice",
                            StoreProtection.none(),
                            trust);
            AccountInfo bob =
                    ChatClient.initialize(
                            dir.resolve("bob"),
                            List.of(relay.url()),
                            "bob",
                            StoreProtection.none(),
                            trust);

            RecordingListener inbox = new RecordingListener();
            try (ChatClient a =
                            ChatClient.builder()
                                    .home(dir.resolve("alice"))
                                    .relayTrust(trust)
                                    .listener(new RecordingListener())
                                    .build();
                    ChatClient b =
                            ChatClient.builder()
                                    .home(dir.resolve("bob"))
                                    .relayTrust(trust)
                                    .listener(inbox)
                                    .build()) {
                assertEquals(
                        MessageState.SENT,
                        a.send(bob.accountId(), "over TLS").accepted().get(60, TimeUnit.SECONDS));
                IncomingMessage got = inbox.awaitMessages(1, Duration.ofSeconds(60)).get(0);
                assertEquals("over TLS", got.text());
                assertEquals(alice.accountId(), got.from());
                assertEquals(ConnectionState.CONNECTED, b.connectionState());
            }
        } finally {
            relay.close();
        }
    }

    @Test
    void aMissingKeyFileStopsTheRelayWithExit1AndOneSentence() throws Exception {
        Path jar = Path.of(System.getProperty("cipherline.relayJar", "missing"));
        assumeTrue(Files.isRegularFile(jar), "relay jar not built");
        Files.writeString(dir.resolve("relay.crt"), "");
        List<String> command = new ArrayList<>();
        command.addAll(
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar.toString(),
                        "--listen",
                        "127.0.0.1:0",
                        "--data",
                        dir.resolve("data").toString(),
                        "--tls-cert",
                        dir.resolve("relay.crt").toString(),
                        "--tls-key",
                        dir.resolve("none.key").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));

        assertEquals(1, p.exitValue(), out);
        assertEquals(
                "cipherline-relay: no PEM block in "
                        + dir.resolve("relay.crt")
                        + " (expected -----BEGIN ...-----)",
                out.strip());
    }
}
