package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileCipherTest {
    private static final int CHUNK = FileCipher.CHUNK_SIZE;
    private static final int SEALED = CHUNK + FileCipher.TAG_SIZE;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17})
    void roundTripsEverySizeAndHasThePredictedLength(int size) throws Exception {
        FileKey key = FileKey.generate();
        byte[] plain = bytes(size, size);
        byte[] sealed = readAll(FileCipher.encrypt(key, new ByteArrayInputStream(plain)));
        assertEquals(FileCipher.ciphertextLength(size), sealed.length);
        assertEquals(size, FileCipher.plaintextLength(sealed.length));
        assertArrayEquals(
                plain, readAll(FileCipher.decrypt(key, new ByteArrayInputStream(sealed))));
    }

    @Test
    void readsOneByteAtATimeAlike() throws Exception {
        FileKey key = FileKey.generate();
        byte[] plain = bytes(CHUNK + 5, 9);
        byte[] sealed = readAll(FileCipher.encrypt(key, new ByteArrayInputStream(plain)));
        InputStream in = FileCipher.decrypt(key, new ByteArrayInputStream(sealed));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            out.write(b);
        }
        assertArrayEquals(plain, out.toByteArray());
    }

    @Test
    void matchesAnIndependentGcmImplementation() throws Exception {
        // the format rebuilt with BouncyCastle's AES-GCM, chunk by chunk, from the spec
        byte[] keyBytes = new byte[32];
        Arrays.fill(keyBytes, (byte) 7);
        byte[] prefix = HexFormat.of().parseHex("0102030405060708");
        byte[] plain = bytes(CHUNK + 10, 3);
        byte[] ours =
                readAll(
                        FileCipher.encrypt(
                                FileKey.of(keyBytes), prefix, new ByteArrayInputStream(plain)));

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] header = new byte[9];
        header[0] = 1;
        System.arraycopy(prefix, 0, header, 1, 8);
        expected.write(header);
        expected.write(seal(keyBytes, header, 0, false, Arrays.copyOfRange(plain, 0, CHUNK)));
        expected.write(
                seal(keyBytes, header, 1, true, Arrays.copyOfRange(plain, CHUNK, plain.length)));
        assertArrayEquals(expected.toByteArray(), ours);
    }

    @Test
    void anEmptyFileIsTheHeaderAndOneEmptyLastChunk() throws Exception {
        byte[] keyBytes = new byte[32];
        byte[] prefix = new byte[8];
        byte[] ours =
                readAll(
                        FileCipher.encrypt(
                                FileKey.of(keyBytes),
                                prefix,
                                new ByteArrayInputStream(new byte[0])));
        assertEquals(25, ours.length);
        byte[] header = new byte[9];
        header[0] = 1;
        assertArrayEquals(
                seal(keyBytes, header, 0, true, new byte[0]), Arrays.copyOfRange(ours, 9, 25));
    }

    @Test
    void twoEncryptionsOfTheSameFileDiffer() throws Exception {
        FileKey key = FileKey.generate();
        byte[] plain = bytes(100, 1);
        assertFalse(
                Arrays.equals(
                        readAll(FileCipher.encrypt(key, new ByteArrayInputStream(plain))),
                        readAll(FileCipher.encrypt(key, new ByteArrayInputStream(plain)))));
    }

    @Test
    void aChangedByteAnywhereFails() throws Exception {
        FileKey key = FileKey.generate();
        byte[] sealed =
                readAll(FileCipher.encrypt(key, new ByteArrayInputStream(bytes(2 * CHUNK + 3, 4))));
        for (int at : new int[] {1, 8, 9, 500, 9 + SEALED - 1, 9 + SEALED + 2, sealed.length - 1}) {
            byte[] changed = sealed.clone();
            changed[at] ^= 1;
            assertTampered(key, changed, CryptoException.Reason.INVALID_MESSAGE);
        }
        byte[] version = sealed.clone();
        version[0] = 2;
        assertTampered(key, version, CryptoException.Reason.MALFORMED);
    }

    @Test
    void aWrongKeyFails() throws Exception {
        byte[] sealed =
                readAll(
                        FileCipher.encrypt(
                                FileKey.generate(), new ByteArrayInputStream(bytes(9, 1))));
        assertTampered(FileKey.generate(), sealed, CryptoException.Reason.INVALID_MESSAGE);
    }

    @Test
    void aStreamCutAtAChunkBoundaryOrInsideOneFails() throws Exception {
        FileKey key = FileKey.generate();
        byte[] sealed =
                readAll(FileCipher.encrypt(key, new ByteArrayInputStream(bytes(3 * CHUNK, 5))));
        // cut after two whole chunks: the second was sealed as not last
        assertTampered(
                key, Arrays.copyOf(sealed, 9 + 2 * SEALED), CryptoException.Reason.INVALID_MESSAGE);
        assertTampered(key, Arrays.copyOf(sealed, 9 + 2 * SEALED + 100), null);
        assertTampered(key, Arrays.copyOf(sealed, 9 + 3), CryptoException.Reason.MALFORMED);
        assertTampered(key, Arrays.copyOf(sealed, 5), CryptoException.Reason.MALFORMED);
        // the header alone, or an empty last chunk appended to a file that had one
        assertTampered(key, Arrays.copyOf(sealed, 9), CryptoException.Reason.MALFORMED);
    }

    @Test
    void reorderedChunksFail() throws Exception {
        FileKey key = FileKey.generate();
        byte[] sealed =
                readAll(FileCipher.encrypt(key, new ByteArrayInputStream(bytes(3 * CHUNK, 6))));
        byte[] swapped = sealed.clone();
        System.arraycopy(sealed, 9, swapped, 9 + SEALED, SEALED);
        System.arraycopy(sealed, 9 + SEALED, swapped, 9, SEALED);
        assertTampered(key, swapped, CryptoException.Reason.INVALID_MESSAGE);
    }

    @Test
    void noBytesOfAChunkAreReturnedBeforeItVerifies() throws Exception {
        FileKey key = FileKey.generate();
        byte[] sealed = readAll(FileCipher.encrypt(key, new ByteArrayInputStream(bytes(50, 2))));
        sealed[sealed.length - 1] ^= 1;
        InputStream in = FileCipher.decrypt(key, new ByteArrayInputStream(sealed));
        assertThrows(FileCipher.TamperedException.class, () -> in.read(new byte[10]));
    }

    @Test
    void impossibleLengthsAreRefused() {
        assertThrows(CryptoException.class, () -> FileCipher.plaintextLength(24));
        assertThrows(CryptoException.class, () -> FileCipher.plaintextLength(9 + SEALED + 5));
        assertThrows(CryptoException.class, () -> FileCipher.plaintextLength(9 + SEALED + 16));
        assertThrows(IllegalArgumentException.class, () -> FileCipher.ciphertextLength(-1));
    }

    @Test
    void keysHideTheirBytesAndCheckTheirLength() throws Exception {
        FileKey key = FileKey.generate();
        assertEquals("FileKey[redacted]", key.toString());
        assertEquals(key, FileKey.of(key.bytes()));
        assertThrows(CryptoException.class, () -> FileKey.of(new byte[31]));
    }

    private static void assertTampered(FileKey key, byte[] sealed, CryptoException.Reason reason) {
        FileCipher.TamperedException e =
                assertThrows(
                        FileCipher.TamperedException.class,
                        () -> readAll(FileCipher.decrypt(key, new ByteArrayInputStream(sealed))));
        if (reason != null) {
            assertEquals(reason, e.getCause().reason());
        }
    }

    private static byte[] seal(byte[] key, byte[] header, int index, boolean last, byte[] plain)
            throws Exception {
        byte[] nonce = new byte[12];
        System.arraycopy(header, 1, nonce, 0, 8);
        nonce[11] = (byte) index;
        byte[] aad = Arrays.copyOf(header, 10);
        aad[9] = (byte) (last ? 1 : 0);
        GCMBlockCipher gcm = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(true, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[gcm.getOutputSize(plain.length)];
        int n = gcm.processBytes(plain, 0, plain.length, out, 0);
        gcm.doFinal(out, n);
        return out;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[7000];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
