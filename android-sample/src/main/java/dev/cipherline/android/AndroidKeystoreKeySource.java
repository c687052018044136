package dev.cipherline.android;

import android.security.keystore.KeyGenParameterSpec;
import android.security.keystore.KeyProperties;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The store key on a device: a random 32-byte secret, kept on disk only wrapped (AES-256-GCM) by a
 * key that lives in the Android Keystore and cannot be exported. Copying the app's files to another
 * device therefore does not copy the means to open the store.
 *
 * <p>The wrapped secret is {@code <noBackupFilesDir>/store-key.wrapped}: one version byte (1), the
 * GCM nonce's length (one byte), the nonce, then the ciphertext with its 16-byte tag.
 */
public final class AndroidKeystoreKeySource implements StoreKeySource {
    /** Supplies the wrapping key; on a device, from the Android Keystore. */
    interface WrappingKey {
        /** The wrapping key, created if missing when {@code create} is true; else null if none. */
        SecretKey get(boolean create) throws GeneralSecurityException, IOException;
    }

    static final String FILE_NAME = "store-key.wrapped";
    private static final String ALIAS = "cipherline-store-wrap";
    private static final byte VERSION = 1;
    private static final int SECRET_BYTES = 32;
    private static final int TAG_BITS = 128;

    private final File file;
    private final WrappingKey wrappingKey;

    /** A key source for this app, with its wrapping key in the Android Keystore. */
    public AndroidKeystoreKeySource(File noBackupFilesDir) {
        this(noBackupFilesDir, AndroidKeystoreKeySource::keystoreKey);
    }

    AndroidKeystoreKeySource(File noBackupFilesDir, WrappingKey wrappingKey) {
        this.file = new File(noBackupFilesDir, FILE_NAME);
        this.wrappingKey = wrappingKey;
    }

    @Override
    public synchronized byte[] storeKey() throws GeneralSecurityException, IOException {
        if (file.exists()) {
            SecretKey key = wrappingKey.get(false);
            if (key == null) {
                throw new GeneralSecurityException(
                        "the keystore key that wraps the store key is gone; the store cannot be"
                                + " opened on this device any more");
            }
            return unwrap(Files.readAllBytes(file.toPath()), key);
        }
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        // the keystore picks the nonce itself (it refuses caller-chosen ones by default)
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey.get(true));
        byte[] nonce = cipher.getIV();
        byte[] sealed = cipher.doFinal(secret);
        ByteBuffer out = ByteBuffer.allocate(2 + nonce.length + sealed.length);
        out.put(VERSION).put((byte) nonce.length).put(nonce).put(sealed);
        File parent = file.getParentFile();
        if (parent != null && !parent.isDirectory() && !parent.mkdirs()) {
            throw new IOException("cannot create " + parent);
        }
        File tmp = new File(file.getPath() + ".tmp");
        Files.write(tmp.toPath(), out.array());
        Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }

    private static byte[] unwrap(byte[] stored, SecretKey key) throws GeneralSecurityException {
        if (stored.length < 2 || stored[0] != VERSION) {
            throw new GeneralSecurityException("the wrapped store key has an unknown format");
        }
        int nonceLength = stored[1] & 0xff;
        if (nonceLength < 12 || stored.length < 2 + nonceLength + TAG_BITS / 8) {
            throw new GeneralSecurityException("the wrapped store key is truncated");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                key,
                new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(stored, 2, 2 + nonceLength)));
        byte[] secret = cipher.doFinal(stored, 2 + nonceLength, stored.length - 2 - nonceLength);
        if (secret.length != SECRET_BYTES) {
            Arrays.fill(secret, (byte) 0);
            throw new GeneralSecurityException("the wrapped store key has the wrong length");
        }
        return secret;
    }

    private static SecretKey keystoreKey(boolean create)
            throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("AndroidKeyStore");
        keyStore.load(null);
        if (keyStore.containsAlias(ALIAS)) {
            return (SecretKey) keyStore.getKey(ALIAS, null);
        }
        if (!create) {
            return null;
        }
        KeyGenerator generator =
                KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore");
        generator.init(
                new KeyGenParameterSpec.Builder(
                                ALIAS,
                                KeyProperties.PURPOSE_ENCRYPT | KeyProperties.PURPOSE_DECRYPT)
                        .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                        .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                        .setKeySize(256)
                        .build());
        return generator.generateKey();
    }
}
