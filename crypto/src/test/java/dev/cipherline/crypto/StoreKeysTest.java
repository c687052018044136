package dev.cipherline.crypto;

import static dev.cipherline.crypto.BundleVerifierTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StoreKeysTest {
    private static final StoreKeys.Argon2Cost CHEAP = new StoreKeys.Argon2Cost(64, 1, 1);

    @Test
    void argon2idIsDeterministicAndDependsOnPassphraseAndSalt() {
        byte[] salt = new byte[StoreKeys.SALT_LENGTH];
        byte[] a = StoreKeys.deriveFromPassphrase("correct horse".toCharArray(), salt, CHEAP);
        assertEquals(StoreKeys.KEY_LENGTH, a.length);
        assertArrayEquals(
                a, StoreKeys.deriveFromPassphrase("correct horse".toCharArray(), salt, CHEAP));
        assertFalse(
                Arrays.equals(
                        a,
                        StoreKeys.deriveFromPassphrase(
                                "correct horsf".toCharArray(), salt, CHEAP)));
        salt[0] = 1;
        assertFalse(
                Arrays.equals(
                        a,
                        StoreKeys.deriveFromPassphrase(
                                "correct horse".toCharArray(), salt, CHEAP)));
        assertThrows(
                IllegalArgumentException.class,
                () -> StoreKeys.deriveFromPassphrase("x".toCharArray(), new byte[3], CHEAP));
    }

    @Test
    void matchesTheReferenceImplementation() {
        // Argon2id v1.3, m=64 KiB, t=1, p=1, password "password", salt 16 x 0x02, 32-byte tag, as
        // printed by the reference implementation's command-line tool (Debian package argon2):
        //   echo -n password | argon2 $(printf '\x02%.0s' {1..16}) -id -t 1 -m 6 -p 1 -l 32 -r
        byte[] salt = new byte[16];
        Arrays.fill(salt, (byte) 2);
        String hex =
                HexFormat.of()
                        .formatHex(
                                StoreKeys.deriveFromPassphrase(
                                        "password".toCharArray(), salt, CHEAP));
        assertEquals(KNOWN_ARGON2ID, hex);
    }

    private static final String KNOWN_ARGON2ID =
            "74918277366de18108628ffd064a70ba7976d61e72c89c22a835fc81897567e0";

    @Test
    void aWrongPassphraseCannotUnwrapTheDataKey() throws Exception {
        byte[] dataKey = StoreKeys.random(32);
        byte[] salt = StoreKeys.random(StoreKeys.SALT_LENGTH);
        byte[] kek = StoreKeys.deriveFromPassphrase("right".toCharArray(), salt, CHEAP);
        byte[] wrapped = StoreKeys.wrap(dataKey, kek);
        assertArrayEquals(dataKey, StoreKeys.unwrap(wrapped, kek));
        byte[] wrong = StoreKeys.deriveFromPassphrase("wrong".toCharArray(), salt, CHEAP);
        assertReason(
                CryptoException.Reason.INVALID_MESSAGE, () -> StoreKeys.unwrap(wrapped, wrong));
    }

    @Test
    void sealedValuesAreBoundToTheirContextAndDetectTampering() throws Exception {
        StoreKeys.RowCipher cipher = new StoreKeys.RowCipher(StoreKeys.random(32));
        byte[] context = "messages.text/1".getBytes(StandardCharsets.US_ASCII);
        byte[] plain = "meet at noon".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = cipher.seal(plain, context);
        assertArrayEquals(plain, cipher.open(sealed, context));
        // random nonces: the same value seals differently
        assertFalse(Arrays.equals(sealed, cipher.seal(plain, context)));
        assertReason(
                CryptoException.Reason.INVALID_MESSAGE,
                () -> cipher.open(sealed, "messages.text/2".getBytes(StandardCharsets.US_ASCII)));
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;
        assertReason(CryptoException.Reason.INVALID_MESSAGE, () -> cipher.open(altered, context));
        assertReason(
                CryptoException.Reason.MALFORMED, () -> cipher.open(new byte[] {1, 2}, context));
        assertReason(
                CryptoException.Reason.INVALID_MESSAGE,
                () -> new StoreKeys.RowCipher(StoreKeys.random(32)).open(sealed, context));
    }

    @Test
    void oneCipherServesManyValuesOnManyThreadsAlsoAfterAFailedOpen() throws Exception {
        StoreKeys.RowCipher cipher = new StoreKeys.RowCipher(StoreKeys.random(32));
        byte[] context = "sessions.record/7".getBytes(StandardCharsets.US_ASCII);
        byte[] altered = cipher.seal(new byte[] {1, 2, 3}, context);
        altered[altered.length - 1] ^= 1;
        Runnable work =
                () -> {
                    for (int i = 0; i < 500; i++) {
                        byte[] plain = StoreKeys.random(1 + i % 300);
                        try {
                            assertReason(
                                    CryptoException.Reason.INVALID_MESSAGE,
                                    () -> cipher.open(altered, context));
                            assertArrayEquals(
                                    plain, cipher.open(cipher.seal(plain, context), context));
                        } catch (CryptoException e) {
                            throw new AssertionError(e);
                        }
                    }
                };
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(work);
            thread.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(null, failure.get());
    }
}
