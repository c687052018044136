package dev.cipherline.relay.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the relay's certificate chain and private key from PEM files, as certbot and openssl write
 * them: the chain as one or more {@code CERTIFICATE} blocks, leaf first; the key as PKCS#8 ({@code
 * PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) or SEC1 EC ({@code EC PRIVATE KEY}).
 * Encrypted keys are refused: the relay starts unattended. Every failure is an {@link IOException}
 * whose message names the file and what is wrong, and never holds key material.
 */
public final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile(
                    "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----",
                    Pattern.DOTALL);
    private static final byte[] RSA_ALGORITHM = {
        0x30,
        0x0d,
        0x06,
        0x09,
        0x2a,
        (byte) 0x86,
        0x48,
        (byte) 0x86,
        (byte) 0xf7,
        0x0d,
        0x01,
        0x01,
        0x01,
        0x05,
        0x00
    };
    private static final byte[] EC_PUBLIC_KEY_OID = {
        0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
    };

    /** A certificate chain, leaf first, and the private key of its leaf. */
    public record KeyPair(List<X509Certificate> chain, PrivateKey key) {
        /** The certificate the relay presents. */
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    private PemFiles() {}

    /**
     * Reads a chain and its key and checks that they belong together.
     *
     * @throws IOException naming the file and the problem: missing, unreadable, no PEM block, an
     *     encrypted or unsupported key, or a key that does not match the first certificate
     */
    public static KeyPair read(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        if (!matches(key, chain.get(0))) {
            throw new IOException(
                    "the private key in "
                            + keyFile
                            + " does not belong to the first certificate in "
                            + certFile);
        }
        return new KeyPair(List.copyOf(chain), key);
    }

    /** Reads every {@code CERTIFICATE} block of a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IOException("this Java runtime cannot read X.509 certificates", e);
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Block block : blocks(file)) {
            if (!block.type().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add(
                        (X509Certificate)
                                factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new IOException(
                        "certificate " + (chain.size() + 1) + " in " + file + " is not valid X.509",
                        e);
            }
        }
        if (chain.isEmpty()) {
            throw new IOException("no PEM CERTIFICATE block in " + file);
        }
        return chain;
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, block.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, wrap(RSA_ALGORITHM, block.der()));
                }
                case "EC PRIVATE KEY" -> {
                    return pkcs8(file, wrap(ecAlgorithm(file, block.der()), block.der()));
                }
                case "ENCRYPTED PRIVATE KEY" ->
                        throw new IOException(
                                "the private key in "
                                        + file
                                        + " is encrypted; give it unencrypted (openssl pkey -in"
                                        + " KEY -out PLAIN) and protect the file with mode 0600");
                default -> {
                    // parameters or certificates beside the key: skipped
                }
            }
        }
        throw new IOException(
                "no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY) in " + file);
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm; try the next
            }
        }
        throw new IOException("the private key in " + file + " is not an RSA, EC or Ed25519 key");
    }

    /** Whether {@code key} signs what the certificate's public key verifies. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm =
                switch (key.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "Ed25519" -> "Ed25519";
                    default -> null;
                };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "cipherline key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The PKCS#8 algorithm identifier of a SEC1 key: id-ecPublicKey with the named curve that the
     * SEC1 structure carries in its {@code [0]} parameters.
     */
    private static byte[] ecAlgorithm(Path file, byte[] sec1) throws IOException {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING,
        //                             [0] ECParameters OPTIONAL, [1] publicKey OPTIONAL }
        try {
            Der outer = Der.at(sec1, 0);
            int p = outer.contentStart();
            Der version = Der.at(sec1, p);
            Der octets = Der.at(sec1, version.end());
            if (octets.end() >= outer.end()) {
                throw new IOException("the EC private key in " + file + " names no curve");
            }
            Der params = Der.at(sec1, octets.end());
            if (params.tag() != (byte) 0xa0) {
                throw new IOException("the EC private key in " + file + " names no curve");
            }
            Der oid = Der.at(sec1, params.contentStart());
            if (oid.tag() != 0x06) {
                throw new IOException("the EC private key in " + file + " must use a named curve");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(EC_PUBLIC_KEY_OID);
            out.write(sec1, oid.start(), oid.end() - oid.start());
            return sequence(out.toByteArray());
        } catch (IndexOutOfBoundsException e) {
            throw new IOException("the EC private key in " + file + " is malformed");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.writeBytes(tlv((byte) 0x04, key));
        return sequence(body.toByteArray());
    }

    private static byte[] sequence(byte[] content) {
        return tlv((byte) 0x30, content);
    }

    private static byte[] tlv(byte tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** One DER element: where its tag starts, where its content starts and where it ends. */
    private record Der(byte tag, int start, int contentStart, int end) {
        static Der at(byte[] der, int offset) {
            byte tag = der[offset];
            int first = der[offset + 1] & 0xff;
            int length;
            int content;
            if (first < 0x80) {
                length = first;
                content = offset + 2;
            } else {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 3) {
                    throw new IndexOutOfBoundsException("unsupported DER length");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[offset + 2 + i] & 0xff);
                }
                content = offset + 2 + bytes;
            }
            if (content + length > der.length) {
                throw new IndexOutOfBoundsException("DER element beyond the end");
            }
            return new Der(tag, offset, content, content + length);
        }
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file: " + file);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage());
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(
                        new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).strip())));
            } catch (IllegalArgumentException e) {
                throw new IOException("a PEM " + m.group(1) + " block in " + file + " is damaged");
            }
        }
        if (blocks.isEmpty()) {
            throw new IOException("no PEM block in " + file + " (expected -----BEGIN ...-----)");
        }
        return blocks;
    }
}
