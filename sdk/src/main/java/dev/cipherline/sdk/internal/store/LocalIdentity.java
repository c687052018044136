package dev.cipherline.sdk.internal.store;

import java.net.URI;
import java.util.List;

/**
 * This device's identity as stored: secrets included, so {@link #toString()} prints only IDs.
 *
 * @param identityKeyPair the libsignal identity key pair serialization (secret)
 * @param authPrivateKey the Ed25519 device auth private key (secret, 32 bytes)
 * @param relayUrls the relay URLs, in the order they are tried (stored in one column, separated by
 *     a space: a URI never contains one)
 * @param name the display name, or null
 * @param nextPreKeyId the ID of the next one-time EC prekey to generate
 * @param nextKyberPreKeyId the ID of the next Kyber prekey to generate
 */
public record LocalIdentity(
        String accountId,
        int deviceId,
        int registrationId,
        byte[] identityKeyPair,
        byte[] authPrivateKey,
        List<URI> relayUrls,
        String name,
        int nextPreKeyId,
        int nextKyberPreKeyId) {

    @Override
    public String toString() {
        return "LocalIdentity[" + accountId + "/" + deviceId + "]";
    }
}
