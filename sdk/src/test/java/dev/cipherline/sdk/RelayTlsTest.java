package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.relay.TestPki;
import dev.cipherline.relay.TlsFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients over a relay serving TLS with certificates made in the test: a good certificate
 * works end to end over wss, and an expired one, one for another host, one from an untrusted
 * authority and one matching no pin are each refused with their own sentence.
 */
class RelayTlsTest {
    @TempDir Path dir;

    private final TestPki pki = TestPki.create("Cipherline Test CA");
    private RelayServer relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    /** Starts a relay serving {@code cert}; returns its base URL with the host name localhost. */
    private URI serve(TestPki.Issued cert) throws IOException {
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
        return URI.create("https://localhost:" + relay.address().getPort());
    }

    private Path caFile() throws IOException {
        Path file = dir.resolve("ca.pem");
        Files.writeString(file, TestPki.pem(pki.ca()));
        return file;
    }

    private ChatException refusedAtInit(URI url, RelayTrust trust) {
        ChatException e =
                assertThrows(
                        ChatException.class,
                        () ->
                                ChatClient.initialize(
                                        dir.resolve("alice"),
                                        List.of(url),
                                        "alice",
                                        StoreProtection.none(),
                                        trust));
        assertFalse(ChatClient.isInitialized(dir.resolve("alice")));
        return e;
    }

    @Test
    void twoClientsTrustingAPrivateCaRegisterAndTalkOverWss() throws Exception {
        URI https = serve(pki.server());
        URI wss = URI.create("wss://localhost:" + relay.address().getPort() + "/v1/websocket");
        RelayTrust trust = RelayTrust.authorities(caFile());

        AccountInfo alice =
                ChatClient.initialize(
                        dir.resolve("alice"), List.of(wss), "alice", StoreProtection.none(), trust);
        AccountInfo bob =
                ChatClient.initialize(
                        dir.resolve("bob"), List.of(https), "bob", StoreProtection.none(), trust);
        // wss:// is the same relay as https://, and stored as its base URL
        assertEquals(https, alice.relayUrl());

        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a =
                        TestRelays.client(dir.resolve("alice"), wss, new RecordingListener())
                                .relayTrust(trust)
                                .build();
                ChatClient b =
                        TestRelays.client(dir.resolve("bob"), https, bobEvents)
                                .relayTrust(trust)
                                .build()) {
            OutgoingMessage sent = a.send(bob.accountId(), "hello over TLS");
            assertEquals(MessageState.SENT, sent.accepted().get(30, TimeUnit.SECONDS));
            IncomingMessage got = bobEvents.awaitMessages(1).get(0);
            assertEquals("hello over TLS", got.text());
            assertEquals(alice.accountId(), got.from());
            assertEquals(ConnectionState.CONNECTED, b.connectionState());
        }
    }

    @Test
    void aReloadKeepsConnectedClientsAndServesTheNewCertificateToNewOnes() throws Exception {
        TestPki.Issued first = pki.server();
        URI url = serve(first);
        RelayTrust ca = RelayTrust.authorities(caFile());
        ChatClient.initialize(dir.resolve("alice"), List.of(url), null, StoreProtection.none(), ca);
        AccountInfo bob =
                ChatClient.initialize(
                        dir.resolve("bob"), List.of(url), null, StoreProtection.none(), ca);
        List<ConnectionState> aliceStates = new CopyOnWriteArrayList<>();
        CountDownLatch aliceConnected = new CountDownLatch(1);
        ChatListener alice =
                new ChatListener() {
                    @Override
                    public void onConnectionState(ConnectionState state) {
                        aliceStates.add(state);
                        if (state == ConnectionState.CONNECTED) {
                            aliceConnected.countDown();
                        }
                    }
                };
        RecordingListener bobEvents = new RecordingListener();
        TestPki.Issued second = pki.server();
        try (ChatClient a =
                        TestRelays.client(dir.resolve("alice"), url, alice).relayTrust(ca).build();
                ChatClient b =
                        TestRelays.client(dir.resolve("bob"), url, bobEvents)
                                .relayTrust(ca)
                                .build()) {
            assertTrue(aliceConnected.await(30, TimeUnit.SECONDS));
            bobEvents.awaitState(ConnectionState.CONNECTED);

            second.write(dir.resolve("relay.crt"), dir.resolve("relay.key"));
            assertTrue(relay.reloadTls());

            // the WebSockets opened before the reload carry on, on their first session
            OutgoingMessage sent = a.send(bob.accountId(), "after the reload");
            assertEquals(MessageState.SENT, sent.accepted().get(30, TimeUnit.SECONDS));
            assertEquals("after the reload", bobEvents.awaitMessages(1).get(0).text());
            assertEquals(
                    List.of(
                            ConnectionState.CONNECTING,
                            ConnectionState.AUTHENTICATING,
                            ConnectionState.CONNECTED),
                    aliceStates);
        }

        // a new connection gets the new certificate: a pin of its key alone is accepted, a pin of
        // the old key alone is not
        ChatClient.initialize(
                dir.resolve("carol"),
                List.of(url),
                null,
                StoreProtection.none(),
                ca.withPins(RelayTrust.pin(second.certificate())));
        ChatException old =
                assertThrows(
                        ChatException.class,
                        () ->
                                ChatClient.initialize(
                                        dir.resolve("dave"),
                                        List.of(url),
                                        null,
                                        StoreProtection.none(),
                                        ca.withPins(RelayTrust.pin(first.certificate()))));
        assertEquals(ChatException.Reason.RELAY_UNTRUSTED, old.reason());
    }

    @Test
    void anExpiredCertificateIsRefused() throws IOException {
        Instant now = Instant.now();
        URI url =
                serve(
                        pki.issue(
                                List.of("localhost", "127.0.0.1"),
                                now.minus(Duration.ofDays(30)),
                                now.minus(Duration.ofDays(1)),
                                false));

        ChatException e = refusedAtInit(url, RelayTrust.authorities(caFile()));

        assertEquals(ChatException.Reason.RELAY_UNTRUSTED, e.reason());
        assertEquals("the relay at " + url + " presented an expired certificate", e.getMessage());
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws IOException {
        Instant now = Instant.now();
        URI url =
                serve(
                        pki.issue(
                                List.of("relay.example.org"),
                                now.minusSeconds(60),
                                now.plus(Duration.ofDays(1)),
                                false));

        ChatException e = refusedAtInit(url, RelayTrust.authorities(caFile()));

        assertEquals(ChatException.Reason.RELAY_UNTRUSTED, e.reason());
        assertEquals(
                "the relay at " + url + " presented a certificate that is not valid for localhost",
                e.getMessage());
    }

    @Test
    void aCertificateFromAnAuthorityNotTrustedHereIsRefused() throws IOException {
        URI url = serve(pki.server());

        // the platform's authorities do not include the test CA
        ChatException e = refusedAtInit(url, RelayTrust.system());

        assertEquals(ChatException.Reason.RELAY_UNTRUSTED, e.reason());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "the relay at "
                                        + url
                                        + " presented a certificate from an authority this"
                                        + " client does not trust"),
                e.getMessage());
    }

    @Test
    void aPinOfTheRelaysKeyOrItsCaIsAcceptedAndAnyOtherIsRefused() throws IOException {
        TestPki.Issued cert = pki.server();
        URI url = serve(cert);
        RelayTrust ca = RelayTrust.authorities(caFile());
        String otherKey = RelayTrust.pin(TestPki.create("Another CA").ca());

        ChatException e = refusedAtInit(url, ca.withPins(otherKey));
        assertEquals(ChatException.Reason.RELAY_UNTRUSTED, e.reason());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "the relay at "
                                        + url
                                        + " presented a certificate chain matching none of the"
                                        + " pinned keys"),
                e.getMessage());
        // the sentence names the keys it saw, so an operator can tell a renewal from an attack
        assertTrue(e.getMessage().contains(RelayTrust.pin(cert.certificate())), e.getMessage());

        AccountInfo viaLeaf =
                ChatClient.initialize(
                        dir.resolve("leaf"),
                        List.of(url),
                        null,
                        StoreProtection.none(),
                        ca.withPins(otherKey, RelayTrust.pin(cert.certificate())));
        // by IP address too: the certificate names 127.0.0.1, and pins apply to every relay host
        URI byIp = URI.create("https://127.0.0.1:" + relay.address().getPort());
        AccountInfo viaCa =
                ChatClient.initialize(
                        dir.resolve("ca"),
                        List.of(byIp),
                        null,
                        StoreProtection.none(),
                        ca.withPins(RelayTrust.pin(pki.ca())));
        assertEquals(url, viaLeaf.relayUrl());
        assertEquals(byIp, viaCa.relayUrl());
        ChatException byIpRefused =
                assertThrows(
                        ChatException.class,
                        () ->
                                ChatClient.initialize(
                                        dir.resolve("ip"),
                                        List.of(byIp),
                                        null,
                                        StoreProtection.none(),
                                        ca.withPins(otherKey)));
        assertEquals(ChatException.Reason.RELAY_UNTRUSTED, byIpRefused.reason());
    }

    @Test
    void aRunningClientReportsARefusedPinToTheApp() throws Exception {
        URI url = serve(pki.server());
        RelayTrust ca = RelayTrust.authorities(caFile());
        ChatClient.initialize(dir.resolve("alice"), List.of(url), null, StoreProtection.none(), ca);
        RecordingListener events = new RecordingListener();

        try (ChatClient client =
                TestRelays.client(dir.resolve("alice"), url, events)
                        .relayTrust(ca.withPins(RelayTrust.pin(TestPki.create("Other").ca())))
                        .build()) {
            ChatException e = events.awaitError();
            assertEquals(ChatException.Reason.RELAY_UNTRUSTED, e.reason());
            assertTrue(e.getMessage().contains("matching none of the pinned keys"));
            assertTrue(client.connectionState() != ConnectionState.CONNECTED);
        }
    }

    @Test
    void anHttpsUrlToAPlainRelaySaysSo() throws IOException {
        relay = TestRelays.start(dir.resolve("plain"));
        URI url = URI.create("https://127.0.0.1:" + relay.address().getPort());

        ChatException e = refusedAtInit(url, RelayTrust.system());

        assertEquals(ChatException.Reason.RELAY_UNREACHABLE, e.reason());
        assertTrue(
                e.getMessage().endsWith("does the relay serve https on this port?"),
                e.getMessage());
    }

    @Test
    void wsAndWssUrlsMeanHttpAndHttps() {
        ChatClient.Builder b = ChatClient.builder();
        b.relayUrl(URI.create("ws://127.0.0.1:7400"));
        b.relayUrls(List.of(URI.create("wss://relay.example.org/v1/websocket")));
        ChatException twice =
                assertThrows(
                        ChatException.class,
                        () ->
                                b.relayUrls(
                                        List.of(
                                                URI.create("ws://relay.example.org"),
                                                URI.create("http://relay.example.org/"))));
        assertEquals("a relay URL is given twice", twice.getMessage());
        ChatException ftp =
                assertThrows(
                        ChatException.class, () -> b.relayUrl(URI.create("ftp://relay.example")));
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, ftp.reason());
    }

    @Test
    void pinsAndCaFilesAreCheckedWhenGiven() throws IOException {
        ChatException pin =
                assertThrows(ChatException.class, () -> RelayTrust.system().withPins("sha1/abc="));
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, pin.reason());
        Path notPem = dir.resolve("not.pem");
        Files.writeString(notPem, "hello");
        ChatException ca = assertThrows(ChatException.class, () -> RelayTrust.authorities(notPem));
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, ca.reason());
        assertTrue(ca.getMessage().startsWith("the relay CA file " + notPem), ca.getMessage());

        RelayTrust trust = RelayTrust.authorities(caFile());
        assertEquals(List.of(pki.ca()), trust.authorities());
        String p = RelayTrust.pin(pki.ca());
        assertTrue(p.matches("sha256/[A-Za-z0-9+/]{43}="), p);
        assertEquals(List.of(p), trust.withPins(p, p).pins());
    }
}
