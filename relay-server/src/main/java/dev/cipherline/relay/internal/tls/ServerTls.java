package dev.cipherline.relay.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The relay's TLS: a server {@link SslContext} made from a PEM certificate chain and key, which
 * {@link #reload} replaces at run time. Each new connection takes the context current at its accept
 * ({@link #newHandler}); connections already open keep the one they started with, so a reload drops
 * nobody. A reload that cannot read the new files keeps the old context.
 *
 * <p>TLS 1.3 and 1.2 only (1.3 is chosen whenever the client offers it) with forward-secret AEAD
 * cipher suites only: no CBC, no RSA key exchange, no SHA-1 MACs.
 */
public final class ServerTls {
    private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

    /** The protocols served, preferred first. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The cipher suites served, preferred first; those the runtime lacks are left out. */
    public static final List<String> CIPHERS =
            List.of(
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_AES_256_GCM_SHA384",
                    "TLS_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** A certificate expiring sooner than this is logged as a warning at each (re)load. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private final Path certFile;
    private final Path keyFile;
    private final Clock clock;
    private volatile Loaded current;

    private record Loaded(SslContext context, X509Certificate leaf) {}

    private ServerTls(Path certFile, Path keyFile, Clock clock, Loaded first) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clock = clock;
        this.current = first;
    }

    /**
     * Reads the files and makes the first context.
     *
     * @throws IOException with one sentence naming the file and the problem
     */
    public static ServerTls load(Path certFile, Path keyFile, Clock clock) throws IOException {
        Loaded first = read(certFile, keyFile);
        ServerTls tls = new ServerTls(certFile, keyFile, clock, first);
        tls.logLoaded("TLS on", first.leaf());
        return tls;
    }

    /** A handler for a new connection, with the context current now. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current.context().newHandler(alloc);
    }

    /** The certificate served to new connections now. */
    public X509Certificate certificate() {
        return current.leaf();
    }

    /**
     * Reads the certificate and key files again and serves them to new connections. Open
     * connections keep their session. If the new files cannot be used (missing, damaged, a key of
     * another certificate) the old context stays and one warning line says why.
     *
     * @return whether the new files are now served
     */
    public boolean reload() {
        Loaded next;
        try {
            next = read(certFile, keyFile);
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "TLS reload failed, still serving the previous certificate (expires "
                            + current.leaf().getNotAfter().toInstant()
                            + "): "
                            + e.getMessage());
            return false;
        }
        current = next;
        logLoaded("TLS reloaded", next.leaf());
        return true;
    }

    private static Loaded read(Path certFile, Path keyFile) throws IOException {
        PemFiles.KeyPair pair = PemFiles.read(certFile, keyFile);
        try {
            SslContext context =
                    SslContextBuilder.forServer(
                                    pair.key(), pair.chain().toArray(X509Certificate[]::new))
                            .sslProvider(SslProvider.JDK)
                            .protocols(PROTOCOLS)
                            .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                            .build();
            return new Loaded(context, pair.leaf());
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException(
                    "cannot serve TLS with " + certFile + " and " + keyFile + ": " + e.getMessage(),
                    e);
        }
    }

    private void logLoaded(String what, X509Certificate leaf) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant now = clock.instant();
        String line =
                what
                        + " with "
                        + certFile
                        + ": "
                        + leaf.getSubjectX500Principal().getName()
                        + ", valid until "
                        + notAfter
                        + "; "
                        + String.join(", ", PROTOCOLS);
        if (notAfter.isBefore(now)) {
            LOG.log(Level.WARNING, line + "; this certificate HAS EXPIRED: clients refuse it");
        } else if (notAfter.isBefore(now.plus(EXPIRY_WARNING))) {
            LOG.log(Level.WARNING, line + "; it expires in less than 14 days: renew it");
        } else {
            LOG.log(Level.INFO, line);
        }
    }
}
