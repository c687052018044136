package dev.cipherline.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Streaming authenticated encryption of files (format version 1), so that neither side ever holds a
 * whole file in memory.
 *
 * <p>The ciphertext is a 9-byte header, {@code 0x01 || prefix} (8 random bytes, made here), then
 * the plaintext in chunks of {@value #CHUNK_SIZE} bytes, each sealed with AES-256-GCM under the
 * file's {@link FileKey}: chunk {@code i} (from 0) uses the 12-byte nonce {@code prefix || u32 i}
 * (big-endian) and the associated data {@code header || flag}, where {@code flag} is {@code 0x01}
 * for the last chunk and {@code 0x00} for every other one, and is written as its ciphertext
 * followed by the 16-byte tag. Every chunk but the last holds exactly {@value #CHUNK_SIZE}
 * plaintext bytes; the last holds 1 to {@value #CHUNK_SIZE}, or none for an empty file (which is
 * the header and one empty last chunk, 25 bytes). So reordered chunks fail (the nonce), a stream
 * cut at a chunk boundary fails (its new last chunk was sealed as not last), and a changed byte
 * fails (the tag). A decryptor knows a chunk is the last when the stream ends after it.
 *
 * <p>Whole-file integrity against the sender's own choice of bytes is the SHA-256 of the
 * ciphertext, which travels in the end-to-end message next to the key.
 */
public final class FileCipher {
    /** Plaintext bytes per chunk. */
    public static final int CHUNK_SIZE = 64 * 1024;

    /** The format version, the first byte of every encrypted file. */
    public static final int VERSION = 1;

    /** Bytes before the first chunk: the version and the nonce prefix. */
    public static final int HEADER_SIZE = 9;

    /** The tag each chunk adds. */
    public static final int TAG_SIZE = 16;

    private static final int PREFIX_SIZE = 8;
    private static final int SEALED_CHUNK = CHUNK_SIZE + TAG_SIZE;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileCipher() {}

    /**
     * The length of the ciphertext of a {@code plaintextLength}-byte file.
     *
     * @throws IllegalArgumentException if the length is negative
     */
    public static long ciphertextLength(long plaintextLength) {
        if (plaintextLength < 0) {
            throw new IllegalArgumentException("a length cannot be negative");
        }
        long chunks = Math.max(1, (plaintextLength + CHUNK_SIZE - 1) / CHUNK_SIZE);
        return HEADER_SIZE + plaintextLength + chunks * TAG_SIZE;
    }

    /**
     * The plaintext length of a {@code ciphertextLength}-byte encrypted file.
     *
     * @throws CryptoException {@link CryptoException.Reason#MALFORMED} if no plaintext length
     *     encrypts to that length
     */
    public static long plaintextLength(long ciphertextLength) throws CryptoException {
        long body = ciphertextLength - HEADER_SIZE;
        if (body < TAG_SIZE) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "an encrypted file is at least 25 bytes");
        }
        long full = body / SEALED_CHUNK;
        long rest = body % SEALED_CHUNK;
        long plain;
        if (rest == 0) {
            plain = full * CHUNK_SIZE;
        } else if (rest >= TAG_SIZE) {
            plain = full * CHUNK_SIZE + rest - TAG_SIZE;
        } else {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "the encrypted file's length is impossible");
        }
        if (ciphertextLength(plain) != ciphertextLength) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "the encrypted file's length is impossible");
        }
        return plain;
    }

    /**
     * A stream of the ciphertext of {@code plaintext} under {@code key}, with a fresh nonce prefix.
     * It reads {@code plaintext} a chunk at a time as it is read, and closes it when closed.
     */
    public static InputStream encrypt(FileKey key, InputStream plaintext) {
        byte[] prefix = new byte[PREFIX_SIZE];
        RANDOM.nextBytes(prefix);
        return new Encrypting(key, prefix, plaintext);
    }

    /** As {@link #encrypt(FileKey, InputStream)} with a given prefix, for known-answer tests. */
    static InputStream encrypt(FileKey key, byte[] prefix, InputStream plaintext) {
        return new Encrypting(key, prefix.clone(), plaintext);
    }

    /**
     * A stream of the plaintext of {@code ciphertext}, verifying each chunk before it returns any
     * of its bytes. A read throws {@link TamperedException} when a chunk fails authentication, the
     * stream ends early or at a point no encryption ends at, or the header is not version 1. It
     * closes {@code ciphertext} when closed.
     */
    public static InputStream decrypt(FileKey key, InputStream ciphertext) {
        return new Decrypting(key, ciphertext);
    }

    /** An encrypted file did not decrypt: changed, cut short, reordered, or under another key. */
    public static final class TamperedException extends IOException {
        TamperedException(String message, Throwable cause) {
            super(message, cause);
        }

        /** The crypto failure, whose reason says whether it was malformed or failed to verify. */
        @Override
        public synchronized CryptoException getCause() {
            return (CryptoException) super.getCause();
        }
    }

    private static TamperedException tampered(CryptoException.Reason reason, String message) {
        return new TamperedException(message, new CryptoException(reason, message));
    }

    /**
     * Fills {@code buffer} from {@code in} as far as it goes; the count read (short only at EOF).
     */
    private static int readFully(InputStream in, byte[] buffer, int offset, int length)
            throws IOException {
        int total = 0;
        while (total < length) {
            int n = in.read(buffer, offset + total, length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private static byte[] nonce(byte[] prefix, long index) {
        byte[] nonce = new byte[12];
        System.arraycopy(prefix, 0, nonce, 0, PREFIX_SIZE);
        nonce[8] = (byte) (index >>> 24);
        nonce[9] = (byte) (index >>> 16);
        nonce[10] = (byte) (index >>> 8);
        nonce[11] = (byte) index;
        return nonce;
    }

    private static byte[] associatedData(byte[] header, boolean last) {
        byte[] aad = new byte[HEADER_SIZE + 1];
        System.arraycopy(header, 0, aad, 0, HEADER_SIZE);
        aad[HEADER_SIZE] = (byte) (last ? 1 : 0);
        return aad;
    }

    private static Cipher gcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Serves bytes of a current output buffer, refilling it a chunk at a time. */
    private abstract static class ChunkStream extends InputStream {
        final InputStream in;
        final SecretKeySpec key;
        final Cipher cipher = gcm();
        final byte[] header = new byte[HEADER_SIZE];
        byte[] out = new byte[0];
        int outPos;
        int outLen;
        long index;
        boolean done;

        ChunkStream(FileKey key, InputStream in) {
            this.key = new SecretKeySpec(key.raw(), "AES");
            this.in = Objects.requireNonNull(in, "stream");
        }

        /** Fills {@code out} with the next bytes; sets {@code done} after the last. */
        abstract void refill() throws IOException;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (off < 0 || len < 0 || len > b.length - off) {
                throw new IndexOutOfBoundsException();
            }
            if (len == 0) {
                return 0;
            }
            while (outPos == outLen) {
                if (done) {
                    return -1;
                }
                refill();
            }
            int n = Math.min(len, outLen - outPos);
            System.arraycopy(out, outPos, b, off, n);
            outPos += n;
            return n;
        }

        @Override
        public int available() {
            return outLen - outPos;
        }

        @Override
        public void close() throws IOException {
            done = true;
            outPos = outLen;
            in.close();
        }
    }

    private static final class Encrypting extends ChunkStream {
        private final byte[] prefix;
        private byte[] current = new byte[CHUNK_SIZE];
        private byte[] next = new byte[CHUNK_SIZE];
        private int nextLen = -1;
        private boolean headerWritten;

        Encrypting(FileKey key, byte[] prefix, InputStream plaintext) {
            super(key, plaintext);
            this.prefix = prefix;
            header[0] = VERSION;
            System.arraycopy(prefix, 0, header, 1, PREFIX_SIZE);
            out = new byte[SEALED_CHUNK];
        }

        @Override
        void refill() throws IOException {
            if (!headerWritten) {
                headerWritten = true;
                System.arraycopy(header, 0, out, 0, HEADER_SIZE);
                outPos = 0;
                outLen = HEADER_SIZE;
                nextLen = readFully(in, next, 0, CHUNK_SIZE);
                return;
            }
            byte[] swap = current;
            current = next;
            next = swap;
            int currentLen = nextLen;
            // a full chunk is the last only if nothing follows it
            boolean last = currentLen < CHUNK_SIZE;
            if (!last) {
                nextLen = readFully(in, next, 0, CHUNK_SIZE);
                last = nextLen == 0;
            }
            try {
                cipher.init(
                        Cipher.ENCRYPT_MODE,
                        key,
                        new GCMParameterSpec(TAG_SIZE * 8, nonce(prefix, index)));
                cipher.updateAAD(associatedData(header, last));
                outLen = cipher.doFinal(current, 0, currentLen, out, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM failed to encrypt", e);
            }
            outPos = 0;
            index++;
            if (index > 0xFFFFFFFFL && !last) {
                throw new IOException("a file of more than 2^32 chunks cannot be encrypted");
            }
            done = last;
        }
    }

    private static final class Decrypting extends ChunkStream {
        private byte[] current = new byte[SEALED_CHUNK];
        private byte[] next = new byte[SEALED_CHUNK];
        private int nextLen = -1;
        private boolean started;

        Decrypting(FileKey key, InputStream ciphertext) {
            super(key, ciphertext);
            out = new byte[CHUNK_SIZE];
        }

        @Override
        void refill() throws IOException {
            if (!started) {
                started = true;
                if (readFully(in, header, 0, HEADER_SIZE) < HEADER_SIZE) {
                    throw tampered(
                            CryptoException.Reason.MALFORMED, "the encrypted file is cut short");
                }
                if (header[0] != VERSION) {
                    throw tampered(
                            CryptoException.Reason.MALFORMED,
                            "unknown encrypted file version " + (header[0] & 0xff));
                }
                nextLen = readFully(in, next, 0, SEALED_CHUNK);
            }
            byte[] swap = current;
            current = next;
            next = swap;
            int currentLen = nextLen;
            boolean last = currentLen < SEALED_CHUNK;
            if (!last) {
                nextLen = readFully(in, next, 0, SEALED_CHUNK);
                last = nextLen == 0;
            }
            if (currentLen < TAG_SIZE || (last && index > 0 && currentLen == TAG_SIZE)) {
                // only an empty file has an empty last chunk
                throw tampered(CryptoException.Reason.MALFORMED, "the encrypted file is cut short");
            }
            byte[] prefix = new byte[PREFIX_SIZE];
            System.arraycopy(header, 1, prefix, 0, PREFIX_SIZE);
            try {
                cipher.init(
                        Cipher.DECRYPT_MODE,
                        key,
                        new GCMParameterSpec(TAG_SIZE * 8, nonce(prefix, index)));
                cipher.updateAAD(associatedData(header, last));
                outLen = cipher.doFinal(current, 0, currentLen, out, 0);
            } catch (GeneralSecurityException e) {
                throw new TamperedException(
                        "chunk " + index + " of the encrypted file does not verify",
                        new CryptoException(
                                CryptoException.Reason.INVALID_MESSAGE,
                                "chunk " + index + " does not verify",
                                e));
            }
            outPos = 0;
            index++;
            done = last;
        }
    }
}
