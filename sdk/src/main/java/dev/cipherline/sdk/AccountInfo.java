package dev.cipherline.sdk;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Who this client is: the local account, its device and the relay it uses.
 *
 * @param name the display name chosen at initialization, or null
 * @param relayUrls the relay's URLs: one for a single relay, the nodes of one cluster otherwise, in
 *     the order they are tried
 */
public record AccountInfo(
        AccountId accountId, int deviceId, @Nullable String name, List<URI> relayUrls) {
    /** Checks the non-null values and copies the list. */
    public AccountInfo {
        Objects.requireNonNull(accountId, "accountId");
        relayUrls = List.copyOf(relayUrls);
        if (relayUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one relay URL is required");
        }
    }

    /** An account that uses one relay. */
    public AccountInfo(AccountId accountId, int deviceId, @Nullable String name, URI relayUrl) {
        this(accountId, deviceId, name, List.of(relayUrl));
    }

    /** The first relay URL: the only one unless the relay is a cluster. */
    public URI relayUrl() {
        return relayUrls.get(0);
    }
}
