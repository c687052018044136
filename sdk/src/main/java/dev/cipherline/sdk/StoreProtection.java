package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the local store ({@code <home>/cipherline.db}) is protected at rest. Message text, session
 * state and private keys in it are always encrypted with a random data key (AES-256-GCM); this says
 * what protects that key:
 *
 * <ul>
 *   <li>{@link #passphrase}: a key derived from the user's passphrase with Argon2id (64 MiB, 3
 *       passes) wraps it; the passphrase is needed to open the store;
 *   <li>{@link #appKey}: a 32-byte key the app keeps elsewhere (Android Keystore, an OS keychain,
 *       an HSM) wraps it;
 *   <li>{@link #none}: it is stored in clear next to the data; for throwaway identities and tests
 *       only, since anyone who can read the file can read the messages.
 * </ul>
 *
 * A store is created with one kind and must be opened with the same kind; {@link
 * ChatClient#changeProtection} switches passphrase or kind without re-encrypting the data.
 */
public final class StoreProtection {
    private final StoreKeyTable.Scheme scheme;
    private final char[] passphrase;
    private final byte[] appKey;

    private StoreProtection(StoreKeyTable.Scheme scheme, char[] passphrase, byte[] appKey) {
        this.scheme = scheme;
        this.passphrase = passphrase;
        this.appKey = appKey;
    }

    /**
     * Protection by a passphrase (copied; the caller may wipe its array).
     *
     * @throws IllegalArgumentException if it is empty
     */
    public static StoreProtection passphrase(char[] passphrase) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("a passphrase must not be empty");
        }
        return new StoreProtection(StoreKeyTable.Scheme.PASSPHRASE, passphrase.clone(), null);
    }

    /**
     * Protection by a 32-byte key the app keeps (copied).
     *
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public static StoreProtection appKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != 32) {
            throw new IllegalArgumentException("an app key must be 32 bytes");
        }
        return new StoreProtection(StoreKeyTable.Scheme.APP_KEY, null, key.clone());
    }

    /** No protection: the data key is stored in clear. */
    public static StoreProtection none() {
        return new StoreProtection(StoreKeyTable.Scheme.NONE, null, null);
    }

    /** Overwrites the copy of the passphrase or key held here; this object is unusable after. */
    public void wipe() {
        if (passphrase != null) {
            Arrays.fill(passphrase, '\0');
        }
        if (appKey != null) {
            Arrays.fill(appKey, (byte) 0);
        }
    }

    StoreKeyTable.Unlock unlock() {
        return new StoreKeyTable.Unlock(scheme, passphrase, appKey);
    }

    /** Names the kind only, never the secret. */
    @Override
    public String toString() {
        return "StoreProtection[" + scheme.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
