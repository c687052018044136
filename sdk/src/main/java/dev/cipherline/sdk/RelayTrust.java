package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.Compat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which TLS certificates an {@code https://} (or {@code wss://}) relay may present: those issued by
 * the platform's trusted authorities ({@link #system()}, the default), or by the authorities given
 * here instead ({@link #authorities}, for a relay with a private CA or a self-signed certificate),
 * and optionally only those whose chain carries one of the pinned public keys ({@link #withPins}).
 * Immutable. A plain {@code http://} relay URL uses none of it.
 *
 * <p>A pin is {@code sha256/} followed by the Base64 SHA-256 hash of a certificate's
 * SubjectPublicKeyInfo, the form OkHttp's CertificatePinner and HPKP use. Pin the relay's own key,
 * or its CA's key to survive certificate renewals that keep the CA; pin two keys (the current one
 * and a backup) to renew without locking clients out. Compute one with {@link #pin} or with
 * openssl:
 *
 * <pre>
 *   openssl x509 -in relay.crt -pubkey -noout | openssl pkey -pubin -outform der \
 *     | openssl dgst -sha256 -binary | openssl enc -base64
 * </pre>
 *
 * A relay whose certificate is refused is reported as {@link ChatException.Reason#RELAY_UNTRUSTED}
 * with a sentence saying why: expired (or not yet valid), issued for another host name, from an
 * authority not trusted here, or matching no pin.
 */
public final class RelayTrust {
    private static final Pattern PIN = Pattern.compile("sha256/[A-Za-z0-9+/]{43}=");
    private static final RelayTrust SYSTEM = new RelayTrust(List.of(), List.of());

    private final List<X509Certificate> authorities;
    private final List<String> pins;

    private RelayTrust(List<X509Certificate> authorities, List<String> pins) {
        this.authorities = List.copyOf(authorities);
        this.pins = List.copyOf(pins);
    }

    /** The platform's trusted certificate authorities, no pins: what a browser would accept. */
    public static RelayTrust system() {
        return SYSTEM;
    }

    /**
     * Trusts only the certificate authorities in a PEM file ({@code -----BEGIN CERTIFICATE-----}
     * blocks), instead of the platform's. For a relay with a private CA, give the CA's certificate;
     * for a self-signed relay certificate, give that certificate.
     *
     * @throws ChatException INVALID_ARGUMENT if the file cannot be read or holds no certificate
     */
    public static RelayTrust authorities(Path caPem) {
        Objects.requireNonNull(caPem, "caPem");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(caPem);
        } catch (IOException e) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "cannot read the relay CA file " + caPem + ": " + e.getMessage());
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (Certificate c :
                    CertificateFactory.getInstance("X.509")
                            .generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) c);
            }
        } catch (CertificateException | ClassCastException e) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "the relay CA file " + caPem + " is not a PEM certificate");
        }
        if (certificates.isEmpty()
                || !new String(bytes, StandardCharsets.ISO_8859_1).contains("BEGIN CERTIFICATE")) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "the relay CA file " + caPem + " holds no PEM certificate");
        }
        return authorities(certificates);
    }

    /**
     * Trusts only these certificate authorities, instead of the platform's.
     *
     * @throws ChatException INVALID_ARGUMENT for an empty list
     */
    public static RelayTrust authorities(List<X509Certificate> authorities) {
        Objects.requireNonNull(authorities, "authorities");
        List<X509Certificate> copy = List.copyOf(authorities);
        if (copy.isEmpty()) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "give at least one relay CA");
        }
        return new RelayTrust(copy, List.of());
    }

    /**
     * This trust, accepting only certificate chains that carry one of {@code pins} (in the
     * validated chain, from the relay's certificate up to the trusted authority). Replaces the pins
     * set before; an empty list removes them.
     *
     * @throws ChatException INVALID_ARGUMENT if a pin is not {@code sha256/} and 44 Base64
     *     characters
     */
    public RelayTrust withPins(List<String> pins) {
        Objects.requireNonNull(pins, "pins");
        LinkedHashSet<String> checked = new LinkedHashSet<>();
        for (String pin : pins) {
            Objects.requireNonNull(pin, "pin");
            String p = Compat.strip(pin);
            if (!PIN.matcher(p).matches()) {
                throw new ChatException(
                        ChatException.Reason.INVALID_ARGUMENT,
                        "a relay pin must be sha256/ and the Base64 SHA-256 of a public key (44"
                                + " characters ending in =), not '"
                                + pin
                                + "'");
            }
            checked.add(p);
        }
        return new RelayTrust(authorities, List.copyOf(checked));
    }

    /** {@link #withPins(List)} with the pins as arguments. */
    public RelayTrust withPins(String... pins) {
        return withPins(List.of(pins));
    }

    /** The trusted authorities; empty when the platform's are used. */
    public List<X509Certificate> authorities() {
        return authorities;
    }

    /** The pins, {@code sha256/BASE64}; empty when nothing is pinned. */
    public List<String> pins() {
        return pins;
    }

    /**
     * The pin of a certificate's public key: {@code sha256/} and the Base64 SHA-256 of its SPKI.
     */
    public static String pin(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            byte[] hash =
                    MessageDigest.getInstance("SHA-256")
                            .digest(certificate.getPublicKey().getEncoded());
            return "sha256/" + Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelayTrust t
                && authorities.equals(t.authorities)
                && pins.equals(t.pins);
    }

    @Override
    public int hashCode() {
        return Objects.hash(authorities, pins);
    }

    /** The authorities' subjects and the pins: no secret here. */
    @Override
    public String toString() {
        return "RelayTrust{authorities="
                + (authorities.isEmpty()
                        ? "system"
                        : authorities.stream()
                                .map(c -> c.getSubjectX500Principal().getName())
                                .collect(Compat.toList()))
                + ", pins="
                + pins
                + "}";
    }
}
