package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.RelayTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * The relay trust chosen at {@code init} ({@code --relay-ca}, {@code --relay-pin}), kept in the
 * home directory beside the account so that every later command checks the relay the same way:
 * {@code relay-ca.pem} (a copy of the CA file) and {@code relay-pins} (one pin a line). Neither is
 * secret; without them the platform's CAs are trusted and nothing is pinned.
 */
final class RelayTrustFiles {
    static final String CA_FILE = "relay-ca.pem";
    static final String PINS_FILE = "relay-pins";

    private RelayTrustFiles() {}

    /** The trust of {@code --relay-ca} and {@code --relay-pin}, checked (exit 2 if wrong). */
    static RelayTrust of(Path caFile, List<String> pins) {
        RelayTrust trust = caFile == null ? RelayTrust.system() : RelayTrust.authorities(caFile);
        return pins == null ? trust : trust.withPins(pins);
    }

    /** Keeps {@code trust} in {@code home}, after the account was created there. */
    static void save(Path home, RelayTrust trust) throws IOException {
        if (!trust.authorities().isEmpty()) {
            StringBuilder pem = new StringBuilder();
            for (X509Certificate ca : trust.authorities()) {
                try {
                    pem.append("-----BEGIN CERTIFICATE-----\n")
                            .append(
                                    Base64.getMimeEncoder(
                                                    64, "\n".getBytes(StandardCharsets.US_ASCII))
                                            .encodeToString(ca.getEncoded()))
                            .append("\n-----END CERTIFICATE-----\n");
                } catch (CertificateEncodingException e) {
                    throw new IOException("cannot encode the relay CA", e);
                }
            }
            Files.writeString(home.resolve(CA_FILE), pem);
        }
        if (!trust.pins().isEmpty()) {
            Files.write(home.resolve(PINS_FILE), trust.pins(), StandardCharsets.US_ASCII);
        }
    }

    /** The trust kept in {@code home}: the platform's CAs and no pins if nothing was kept. */
    static RelayTrust load(Path home) {
        Path ca = home.resolve(CA_FILE);
        Path pins = home.resolve(PINS_FILE);
        RelayTrust trust = Files.exists(ca) ? RelayTrust.authorities(ca) : RelayTrust.system();
        if (Files.exists(pins)) {
            try {
                trust =
                        trust.withPins(
                                Files.readAllLines(pins, StandardCharsets.US_ASCII).stream()
                                        .filter(l -> !l.isBlank())
                                        .toList());
            } catch (IOException e) {
                throw new CliError.Internal("cannot read " + pins + ": " + e.getMessage(), e);
            }
        }
        return trust;
    }
}
