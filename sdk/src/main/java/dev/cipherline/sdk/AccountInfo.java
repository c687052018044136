package dev.cipherline.sdk;

import java.net.URI;
import java.util.Objects;

/**
 * Who this client is: the local account, its device and the relay it uses.
 *
 * @param name the display name chosen at initialization, or null
 */
public record AccountInfo(AccountId accountId, int deviceId, @Nullable String name, URI relayUrl) {
    /** Checks the non-null values. */
    public AccountInfo {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(relayUrl, "relayUrl");
    }
}
