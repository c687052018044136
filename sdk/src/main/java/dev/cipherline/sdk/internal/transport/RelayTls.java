package dev.cipherline.sdk.internal.transport;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.Compat;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.CertificatePinner;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

/**
 * TLS towards the relay: applies a {@link RelayTrust} to an OkHttp client (trusted authorities, TLS
 * 1.2+ only, pins), and turns OkHttp's and the JDK's handshake failures into one clear {@link
 * ChatException} each, so that an app or the CLI can say why a relay was refused.
 */
public final class RelayTls {
    private RelayTls() {}

    /**
     * Configures {@code builder} for {@code relayUrls} with {@code trust}: TLS 1.2 and 1.3 only for
     * {@code https} relays (and cleartext for {@code http} ones), the trust's authorities instead
     * of the platform's when it has some, and its pins for every relay host.
     */
    public static OkHttpClient.Builder configure(
            OkHttpClient.Builder builder, List<URI> relayUrls, RelayTrust trust) {
        boolean anyTls = relayUrls.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
        if (!anyTls) {
            // no TLS at all: spares loading the platform's trusted certificates
            return builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        }
        builder.connectionSpecs(List.of(ConnectionSpec.MODERN_TLS, ConnectionSpec.CLEARTEXT));
        if (!trust.authorities().isEmpty()) {
            X509TrustManager trustManager = trustManager(trust.authorities());
            builder.sslSocketFactory(sslContext(trustManager).getSocketFactory(), trustManager);
        }
        if (!trust.pins().isEmpty()) {
            CertificatePinner.Builder pinner = new CertificatePinner.Builder();
            Set<String> hosts = new LinkedHashSet<>();
            for (URI url : relayUrls) {
                hosts.add(url.getHost());
            }
            for (String host : hosts) {
                pinner.add(host, trust.pins().toArray(new String[0]));
            }
            builder.certificatePinner(pinner.build());
        }
        return builder;
    }

    /**
     * The refusal that a failure to reach {@code relay} stands for, if it is one: a certificate
     * refused (RELAY_UNTRUSTED), or a handshake that failed otherwise (RELAY_UNREACHABLE, with what
     * the TLS layer said). Null when the failure has nothing to do with TLS.
     */
    public static ChatException refusal(URI relay, Throwable failure) {
        String at = "the relay at " + relay;
        if (failure instanceof SSLPeerUnverifiedException e && e.getMessage() != null) {
            String message = e.getMessage();
            if (message.startsWith("Certificate pinning failure")) {
                return untrusted(
                        at
                                + " presented a certificate chain matching none of the pinned keys"
                                + " (its keys: "
                                + String.join(", ", chainPins(message))
                                + ")",
                        e);
            }
            if (message.startsWith("Hostname ")) {
                return untrusted(
                        at + " presented a certificate that is not valid for " + relay.getHost(),
                        e);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return untrusted(at + " presented an expired certificate", failure);
            }
            if (t instanceof CertificateNotYetValidException) {
                return untrusted(at + " presented a certificate that is not valid yet", failure);
            }
            if (t instanceof CertPathValidatorException v
                    && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return untrusted(at + " presented an expired certificate", failure);
            }
            if (t instanceof CertPathBuilderException) {
                return untrusted(
                        at
                                + " presented a certificate from an authority this client does not"
                                + " trust (give the relay's CA to trust it)",
                        failure);
            }
        }
        if (failure instanceof SSLHandshakeException
                || failure instanceof SSLPeerUnverifiedException) {
            return new ChatException(
                    ChatException.Reason.RELAY_UNTRUSTED,
                    "the TLS handshake with " + relay + " failed: " + failure.getMessage(),
                    failure);
        }
        if (failure instanceof SSLException) {
            return new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE,
                    "no TLS from "
                            + relay
                            + " ("
                            + failure.getMessage()
                            + "); does the relay serve https on this port?",
                    failure);
        }
        return null;
    }

    /** Whether a failure to connect is worth telling the app: a TLS refusal, not a lost socket. */
    public static boolean isRefusal(ChatException e) {
        return e != null && e.reason() == ChatException.Reason.RELAY_UNTRUSTED;
    }

    private static ChatException untrusted(String message, Throwable cause) {
        return new ChatException(ChatException.Reason.RELAY_UNTRUSTED, message, cause);
    }

    /** The pins of the peer's chain, from OkHttp's pinning failure message. */
    private static List<String> chainPins(String message) {
        List<String> pins = new ArrayList<>();
        boolean inChain = false;
        for (String line : message.split("\n")) {
            String l = Compat.strip(line);
            if (l.startsWith("Peer certificate chain")) {
                inChain = true;
            } else if (l.startsWith("Pinned certificates")) {
                inChain = false;
            } else if (inChain && l.startsWith("sha256/")) {
                int colon = l.indexOf(':');
                pins.add(colon > 0 ? l.substring(0, colon) : l);
            }
        }
        return pins;
    }

    private static X509TrustManager trustManager(List<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : authorities) {
                store.setCertificateEntry("relay-ca-" + i++, ca);
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the platform has no X.509 trust manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "cannot trust the given relay CA: " + e.getMessage(),
                    e);
        }
    }

    private static SSLContext sslContext(X509TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the platform has no TLS", e);
        }
    }
}
