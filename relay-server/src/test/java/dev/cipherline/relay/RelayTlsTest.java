package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay serving https/wss from PEM files, and replacing its certificate at run time. */
class RelayTlsTest {
    private static final List<Logger> CAPTURING = new CopyOnWriteArrayList<>();
    @TempDir Path dir;
    private final TestPki pki = TestPki.create("Cipherline Test CA");
    private final List<SSLSocket> sockets = new ArrayList<>();
    private Path certFile;
    private Path keyFile;
    private RelayServer relay;

    @BeforeEach
    void files() {
        certFile = dir.resolve("relay.crt");
        keyFile = dir.resolve("relay.key");
    }

    @AfterEach
    void stop() throws IOException {
        for (SSLSocket s : sockets) {
            s.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private RelayServer start(String host, TlsFiles tls) throws IOException {
        relay =
                RelayServer.start(
                        new RelayConfig(host, 0, dir.resolve("data"), Duration.ofDays(30), 1000, 64)
                                .withTls(tls),
                        Clock.systemUTC());
        return relay;
    }

    /** A TLS connection trusting the test CA, handshake done. */
    private SSLSocket connect() throws IOException {
        SSLSocket s =
                (SSLSocket)
                        pki.clientContext()
                                .getSocketFactory()
                                .createSocket("127.0.0.1", relay.address().getPort());
        sockets.add(s);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** Sends {@code GET /v1/health} on a kept-alive connection and returns the status line. */
    private static String health(SSLSocket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(
                "GET /v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        for (int i = 0; i < length; i++) {
            in.read();
        }
        return status;
    }

    private static X509Certificate peer(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    @Test
    void servesHttpsWithTls13AndAnHttpsUrl() throws IOException {
        TestPki.Issued cert = pki.server();
        cert.write(certFile, keyFile);
        start("127.0.0.1", new TlsFiles(certFile, keyFile));

        SSLSocket s = connect();

        assertEquals("TLSv1.3", s.getSession().getProtocol());
        assertEquals(cert.certificate(), peer(s));
        assertEquals("HTTP/1.1 200 OK", health(s));
        assertEquals("https", relay.url().getScheme());
    }

    @Test
    void tls12IsServedWithAForwardSecretAeadSuite() throws IOException {
        pki.server().write(certFile, keyFile);
        start("127.0.0.1", new TlsFiles(certFile, keyFile));
        SSLSocket s =
                (SSLSocket)
                        pki.clientContext()
                                .getSocketFactory()
                                .createSocket("127.0.0.1", relay.address().getPort());
        sockets.add(s);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});

        s.startHandshake();

        assertEquals("TLSv1.2", s.getSession().getProtocol());
        String suite = s.getSession().getCipherSuite();
        assertTrue(suite.startsWith("TLS_ECDHE_") && !suite.contains("CBC"), suite);
    }

    @Test
    void aClientOfferingOnlyCbcSuitesIsRefused() throws IOException {
        pki.server().write(certFile, keyFile);
        start("127.0.0.1", new TlsFiles(certFile, keyFile));
        SSLSocket s =
                (SSLSocket)
                        pki.clientContext()
                                .getSocketFactory()
                                .createSocket("127.0.0.1", relay.address().getPort());
        sockets.add(s);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"});

        assertThrows(SSLHandshakeException.class, s::startHandshake);
    }

    @Test
    void traditionalRsaKeysAreServedToo() throws IOException {
        Instant now = Instant.now();
        TestPki.Issued cert =
                pki.issue(
                        List.of("localhost", "127.0.0.1"),
                        now.minusSeconds(60),
                        now.plus(Duration.ofDays(1)),
                        true);
        cert.write(certFile, keyFile);
        cert.writeTraditionalKey(keyFile);
        assertTrue(Files.readString(keyFile).contains("BEGIN RSA PRIVATE KEY"));
        start("127.0.0.1", new TlsFiles(certFile, keyFile));

        assertEquals(cert.certificate(), peer(connect()));
    }

    @Test
    void reloadServesTheNewCertificateToNewConnectionsAndKeepsOpenOnes() throws IOException {
        TestPki.Issued first = pki.server();
        first.write(certFile, keyFile);
        start("127.0.0.1", new TlsFiles(certFile, keyFile));
        SSLSocket old = connect();
        assertEquals("HTTP/1.1 200 OK", health(old));

        TestPki.Issued second = pki.server();
        second.write(certFile, keyFile);
        assertTrue(relay.reloadTls());

        SSLSocket fresh = connect();
        assertEquals(second.certificate(), peer(fresh));
        assertEquals("HTTP/1.1 200 OK", health(fresh));
        // the connection opened before the reload is still up, on its first certificate
        assertEquals("HTTP/1.1 200 OK", health(old));
        assertEquals(first.certificate(), peer(old));
    }

    @Test
    void aBadNewFileKeepsTheOldCertificateAndSaysWhy() throws IOException {
        TestPki.Issued first = pki.server();
        first.write(certFile, keyFile);
        start("127.0.0.1", new TlsFiles(certFile, keyFile));
        List<String> warnings = captureWarnings("dev.cipherline.relay.internal.tls.ServerTls");

        // a certificate whose key is not the one in the key file, as in a half-done renewal
        TestPki.Issued other = pki.server();
        Files.writeString(certFile, TestPki.pem(other.certificate()));
        assertFalse(relay.reloadTls());
        Files.writeString(certFile, "not a certificate");
        assertFalse(relay.reloadTls());

        assertEquals(first.certificate(), peer(connect()));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("does not belong to the first certificate"));
        assertTrue(warnings.get(1).contains("no PEM block in " + certFile));
        assertTrue(warnings.get(1).contains("still serving the previous certificate"));
    }

    @Test
    void startFailsWithOneSentenceWhenAFileIsMissing() {
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> start("127.0.0.1", new TlsFiles(certFile, keyFile)));
        assertEquals("no such file: " + certFile, e.getMessage());
    }

    @Test
    void aPlainRelayOnANonLoopbackAddressWarnsAtStart() throws IOException {
        List<String> warnings = captureWarnings("dev.cipherline.relay.RelayServer");

        start("0.0.0.0", null);

        assertEquals("http", relay.url().getScheme());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("without TLS"), warnings.get(0));
        assertFalse(relay.reloadTls());
    }

    @Test
    void aPlainRelayOnLoopbackDoesNotWarn() throws IOException {
        List<String> warnings = captureWarnings("dev.cipherline.relay.RelayServer");

        start("127.0.0.1", null);

        assertEquals(List.of(), warnings);
        assertNull(relay.tlsCertificate());
    }

    @Test
    void flagsComeInPairs() {
        RelayConfig c = RelayConfig.parse("--tls-cert", "a.crt", "--tls-key=a.key");
        assertEquals(new TlsFiles(Path.of("a.crt"), Path.of("a.key")), c.tls());
        assertNull(RelayConfig.parse().tls());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> RelayConfig.parse("--tls-cert", "a.crt"));
        assertEquals("--tls-cert needs --tls-key as well.", e.getMessage());
    }

    /** Collects the warnings one logger writes from now on. */
    private static List<String> captureWarnings(String logger) {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(logger);
        // java.util.logging holds loggers weakly: keep this one, with its handler, alive
        CAPTURING.add(jul);
        jul.addHandler(
                new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        if (record.getLevel().intValue()
                                >= java.util.logging.Level.WARNING.intValue()) {
                            lines.add(record.getMessage());
                        }
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                });
        return lines;
    }
}
