package dev.cipherline.relay;

import java.nio.file.Path;

/**
 * The PEM files the relay serves https/wss with: {@code --tls-cert FILE --tls-key FILE}. The files
 * are read at start and again on each {@link RelayServer#reloadTls()}.
 *
 * @param certFile the certificate chain, leaf first
 * @param keyFile the leaf's private key (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted)
 */
public record TlsFiles(Path certFile, Path keyFile) {
    /** Checks that both are given. */
    public TlsFiles {
        if (certFile == null || keyFile == null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together.");
        }
    }

    /**
     * The files of {@code --tls-cert} and {@code --tls-key}: null when neither is given (plain
     * http/ws).
     *
     * @throws IllegalArgumentException with one sentence for the user when only one is given
     */
    static TlsFiles of(Path certFile, Path keyFile) {
        if (certFile == null && keyFile == null) {
            return null;
        }
        if (certFile == null) {
            throw new IllegalArgumentException("--tls-key needs --tls-cert as well.");
        }
        if (keyFile == null) {
            throw new IllegalArgumentException("--tls-cert needs --tls-key as well.");
        }
        return new TlsFiles(certFile, keyFile);
    }
}
