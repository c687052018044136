package dev.cipherline.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.internal.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the relay's PEM certificate chain and key, in the forms operators have them. */
class TlsFilesTest {
    @TempDir Path dir;
    private final TestPki pki = TestPki.create("Cipherline Test CA");
    private final Path certFile = dirFile("relay.crt");
    private final Path keyFile = dirFile("relay.key");

    private Path dirFile(String name) {
        return Path.of(name);
    }

    private Path cert() {
        return dir.resolve(certFile);
    }

    private Path key() {
        return dir.resolve(keyFile);
    }

    private TestPki.Issued issue(boolean rsa) {
        Instant now = Instant.now();
        return pki.issue(List.of("relay.example"), now, now.plus(Duration.ofDays(1)), rsa);
    }

    @Test
    void readsTheChainLeafFirstAndAPkcs8Key() throws IOException {
        TestPki.Issued issued = issue(false);
        issued.write(cert(), key());

        PemFiles.KeyPair pair = PemFiles.read(cert(), key());

        assertEquals(List.of(issued.certificate(), pki.ca()), pair.chain());
        assertEquals("EC", pair.key().getAlgorithm());
    }

    @Test
    void readsSec1EcAndPkcs1RsaKeys() throws IOException {
        for (boolean rsa : new boolean[] {false, true}) {
            TestPki.Issued issued = issue(rsa);
            issued.write(cert(), key());
            issued.writeTraditionalKey(key());
            assertTrue(
                    Files.readString(key())
                            .contains(rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN EC PRIVATE KEY"));

            PemFiles.KeyPair pair = PemFiles.read(cert(), key());

            assertEquals(issued.key().getAlgorithm(), pair.key().getAlgorithm());
            assertEquals(issued.certificate(), pair.leaf());
        }
    }

    @Test
    void refusesAKeyOfAnotherCertificate() throws IOException {
        issue(false).write(cert(), key());
        issue(false).write(dir.resolve("other.crt"), key());

        IOException e = assertThrows(IOException.class, () -> PemFiles.read(cert(), key()));

        assertEquals(
                "the private key in "
                        + key()
                        + " does not belong to the first certificate in "
                        + cert(),
                e.getMessage());
    }

    @Test
    void refusesAnEncryptedKeyAndFilesWithoutPemWithOneSentence() throws IOException {
        issue(false).write(cert(), key());
        Files.writeString(
                key(),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        IOException encrypted = assertThrows(IOException.class, () -> PemFiles.read(cert(), key()));
        assertTrue(
                encrypted.getMessage().startsWith("the private key in " + key() + " is encrypted"));

        Files.writeString(key(), "hello");
        IOException garbage = assertThrows(IOException.class, () -> PemFiles.read(cert(), key()));
        assertEquals(
                "no PEM block in " + key() + " (expected -----BEGIN ...-----)",
                garbage.getMessage());

        Files.writeString(cert(), TestPki.pem(pki.ca()).replace("CERTIFICATE", "X509 CRL"));
        IOException noCert = assertThrows(IOException.class, () -> PemFiles.read(cert(), key()));
        assertEquals("no PEM CERTIFICATE block in " + cert(), noCert.getMessage());
    }
}
