package dev.cipherline.android;

import java.security.SecureRandom;

/**
 * The app under test: the same as {@link SampleApplication} except the store key, which is a random
 * test key held in memory, because Robolectric has no {@code AndroidKeyStore} provider. The
 * keystore code path itself is tested with a software wrapping key in {@link
 * AndroidKeystoreKeySourceTest}.
 */
public class TestApplication extends SampleApplication {
    private final byte[] testKey = new byte[32];

    public TestApplication() {
        new SecureRandom().nextBytes(testKey);
    }

    @Override
    public StoreKeySource storeKeySource() {
        return testKey::clone;
    }
}
