package dev.cipherline.android;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * Where the 32-byte key protecting the local store ({@code StoreProtection.appKey}) comes from.
 *
 * <p>Two implementations: {@link AndroidKeystoreKeySource} on a device (a random store secret,
 * wrapped by an AES key that never leaves the Android Keystore), and a fixed test key in the
 * Robolectric tests, because Robolectric has no {@code AndroidKeyStore} provider. The app picks one
 * through {@link SampleApplication#storeKeySource()}.
 */
public interface StoreKeySource {
    /**
     * The store key, created on first use and the same on every later call. Blocking (disk and
     * keystore work): never call it on the main thread. The caller wipes the returned array.
     *
     * @throws GeneralSecurityException if the key cannot be created or unwrapped (for example the
     *     keystore entry was deleted, as it is when the user removes the screen lock on some
     *     devices)
     * @throws IOException if the wrapped secret cannot be read or written
     */
    byte[] storeKey() throws GeneralSecurityException, IOException;
}
