package dev.cipherline.relay;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test, with BouncyCastle, and the server certificates it
 * issues: nothing is checked in. Keys are EC P-256 unless RSA is asked for. Shared with the SDK's
 * and the CLI's TLS tests through this module's test jar.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

    private final KeyPair caKeys;
    private final X509Certificate ca;

    /** A server certificate and its key. */
    public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {
        /** Writes the chain (leaf, then CA) and the PKCS#8 key as PEM files. */
        public void write(Path certFile, Path keyFile) throws IOException {
            Files.writeString(certFile, pem("CERTIFICATE", encoded(certificate)) + pem(ca));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        }

        /** Writes the key in the traditional form (PKCS#1 RSA or SEC1 EC), as openssl used to. */
        public void writeTraditionalKey(Path keyFile) throws IOException {
            if (key instanceof ECPrivateKey ec) {
                // with its curve, as openssl writes it (the JDK's own encoding leaves it out)
                byte[] sec1 =
                        new org.bouncycastle.asn1.sec.ECPrivateKey(
                                        256, ec.getS(), SECObjectIdentifiers.secp256r1)
                                .getEncoded();
                Files.writeString(keyFile, pem("EC PRIVATE KEY", sec1));
                return;
            }
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(key);
            }
            Files.writeString(keyFile, out.toString());
        }
    }

    private TestPki(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A new CA, valid from an hour ago for a year. */
    public static TestPki create(String name) {
        try {
            KeyPair keys = ecKeys();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            subject,
                            BigInteger.valueOf(SERIALS.incrementAndGet()),
                            Date.from(now.minus(Duration.ofHours(1))),
                            Date.from(now.plus(Duration.ofDays(365))),
                            subject,
                            keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestPki(keys, sign(b, keys.getPrivate()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CA's certificate. */
    public X509Certificate ca() {
        return ca;
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, valid now for 30 days. */
    public Issued server() {
        Instant now = Instant.now();
        return issue(
                List.of("localhost", "127.0.0.1"),
                now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)),
                false);
    }

    /**
     * A server certificate for {@code names} (DNS names or IP addresses) valid between the two
     * instants, with an RSA or an EC key.
     */
    public Issued issue(List<String> names, Instant notBefore, Instant notAfter, boolean rsa) {
        try {
            KeyPair keys = rsa ? rsaKeys() : ecKeys();
            X509v3CertificateBuilder b =
                    new JcaX509v3CertificateBuilder(
                            new X500Name(ca.getSubjectX500Principal().getName()),
                            BigInteger.valueOf(SERIALS.incrementAndGet()),
                            Date.from(notBefore),
                            Date.from(notAfter),
                            new X500Name("CN=" + names.get(0)),
                            keys.getPublic());
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) {
                alt.add(
                        new GeneralName(
                                n.matches("[0-9.]+|.*:.*")
                                        ? GeneralName.iPAddress
                                        : GeneralName.dNSName,
                                n));
            }
            b.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(alt.toArray(GeneralName[]::new)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            return new Issued(sign(b, caKeys.getPrivate()), keys.getPrivate(), ca);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client SSL context that trusts this CA only. */
    public SSLContext clientContext() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(X509Certificate cert) {
        return pem("CERTIFICATE", encoded(cert));
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + new String(
                        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encode(der),
                        StandardCharsets.US_ASCII)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            String algorithm =
                    signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }
}
