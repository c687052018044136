package dev.cipherline.android;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.annotation.Config;

/**
 * The keystore key source's wrapping, with a software AES key standing in for the Android Keystore
 * entry (Robolectric has no {@code AndroidKeyStore} provider): the same secret every time, nothing
 * of it in clear on disk, and clear failures when the wrapped file or the keystore key is damaged.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35)
public class AndroidKeystoreKeySourceTest {
    @Rule public final TemporaryFolder folder = new TemporaryFolder();

    private SecretKey wrapping;
    private boolean keystoreHasKey;

    @Before
    public void setUp() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        wrapping = generator.generateKey();
    }

    private AndroidKeystoreKeySource source(File dir) {
        return new AndroidKeystoreKeySource(
                dir,
                create -> {
                    if (create) {
                        keystoreHasKey = true;
                    }
                    return keystoreHasKey ? wrapping : null;
                });
    }

    @Test
    public void createsOneSecretAndReturnsItAgain() throws Exception {
        File dir = folder.newFolder();
        byte[] first = source(dir).storeKey();
        assertEquals(32, first.length);
        assertFalse(Arrays.equals(new byte[32], first));
        // a new instance (the next app start) unwraps the same secret
        assertArrayEquals(first, source(dir).storeKey());

        byte[] stored =
                Files.readAllBytes(new File(dir, AndroidKeystoreKeySource.FILE_NAME).toPath());
        assertEquals(1, stored[0]);
        assertFalse("the secret is on disk in clear", contains(stored, first));
    }

    @Test
    public void aTamperedFileIsRefused() throws Exception {
        File dir = folder.newFolder();
        source(dir).storeKey();
        File file = new File(dir, AndroidKeystoreKeySource.FILE_NAME);
        byte[] stored = Files.readAllBytes(file.toPath());
        stored[stored.length - 1] ^= 1;
        Files.write(file.toPath(), stored);
        assertThrows(GeneralSecurityException.class, () -> source(dir).storeKey());

        Files.write(file.toPath(), new byte[] {9, 12});
        GeneralSecurityException e =
                assertThrows(GeneralSecurityException.class, () -> source(dir).storeKey());
        assertEquals("the wrapped store key has an unknown format", e.getMessage());
    }

    @Test
    public void aLostKeystoreKeyIsReportedNotReplaced() throws Exception {
        File dir = folder.newFolder();
        source(dir).storeKey();
        keystoreHasKey = false;
        GeneralSecurityException e =
                assertThrows(GeneralSecurityException.class, () -> source(dir).storeKey());
        assertTrue(e.getMessage().contains("cannot be opened on this device"));
        assertFalse("no new keystore key was made", keystoreHasKey);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(haystack, i, i + needle.length), needle)) {
                return true;
            }
        }
        return false;
    }
}
