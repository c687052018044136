package dev.cipherline.sdk.internal.files;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.FileCipher;
import dev.cipherline.crypto.FileKey;
import dev.cipherline.protocol.Blobs;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.content.FileRef;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.AttachmentStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Encrypted files: sending encrypts a file into this device's {@code files/} folder (ciphertext
 * only; the key stays in the encrypted store), uploads it to the relay in resumable chunks and
 * hands back the message's {@link FileRef}; opening downloads a file into a private temporary file,
 * checks its length and digest and that every chunk decrypts, and only then keeps it and hands a
 * decrypting stream, so a changed or cut-short file shows the app nothing. Every call blocks.
 */
public final class FileTransfers {
    private static final Log LOG = Log.get(FileTransfers.class.getName());

    /** Bytes per upload request: one sync on the relay each. */
    static final int UPLOAD_CHUNK = 8 * 1024 * 1024;

    /** Consecutive failed attempts after which an upload or download gives up. */
    private static final int ATTEMPTS = 5;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final BlobApi api;
    private final Path folder;
    private final AttachmentStore attachments;
    private final Clock clock;

    /** Transfers through {@code api}, keeping encrypted copies in {@code folder}. */
    FileTransfers(BlobApi api, Path folder, AttachmentStore attachments, Clock clock) {
        this.api = api;
        this.folder = folder;
        this.attachments = attachments;
        this.clock = clock;
    }

    /**
     * Transfers over {@code http} to {@code relayUrls}, signed by {@code signer} as {@code self}.
     */
    public static FileTransfers create(
            okhttp3.OkHttpClient http,
            List<java.net.URI> relayUrls,
            dev.cipherline.sdk.internal.LocalDevice self,
            java.util.function.UnaryOperator<byte[]> signer,
            Path home,
            AttachmentStore attachments,
            Clock clock) {
        return new FileTransfers(
                new BlobApi(http, relayUrls, self, signer, clock),
                home.resolve("files"),
                attachments,
                clock);
    }

    /** A file encrypted and uploaded: what its message carries and its local copy's name. */
    public record Uploaded(FileRef file, String localCopy) {}

    /**
     * Encrypts {@code file} and uploads it for the devices of {@code accounts} (this account's
     * other devices are added by naming it).
     *
     * @throws ChatException INVALID_ARGUMENT if the file cannot be read; FILE_TOO_LARGE;
     *     QUOTA_EXCEEDED; RELAY_UNREACHABLE after repeated failures; REJECTED
     */
    public Uploaded upload(Path file, String mediaType, String caption, List<String> accounts) {
        String name = file.getFileName() == null ? "file" : file.getFileName().toString();
        if (name.getBytes(StandardCharsets.UTF_8).length > FileRef.MAX_NAME_BYTES) {
            name = name.substring(name.length() - 200);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "cannot read the file " + file);
        }
        String localName = newName("f-");
        Path local = folder.resolve(localName);
        FileKey key = FileKey.generate();
        byte[] digest;
        long size;
        try {
            Files.createDirectories(folder);
            size = Files.size(file);
            MessageDigest d = BlobApi.newDigest();
            try (InputStream in = FileCipher.encrypt(key, Files.newInputStream(file));
                    OutputStream out = Files.newOutputStream(local)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    d.update(buffer, 0, n);
                }
            }
            digest = d.digest();
            if (Files.size(local) != FileCipher.ciphertextLength(size)) {
                throw new IOException("the file changed while it was encrypted");
            }
        } catch (IOException e) {
            deleteQuietly(local);
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "cannot read or encrypt the file " + file + ": " + e.getMessage(),
                    e);
        }
        try {
            long cipherSize = FileCipher.ciphertextLength(size);
            long expiresAt = clock.millis() + Sealer.DEFAULT_EXPIRY.toMillis();
            Blobs.Status blob =
                    retrying(
                            "uploading the file",
                            () -> api.create(cipherSize, expiresAt, accounts));
            uploadFrom(blob, local);
            return new Uploaded(
                    new FileRef(
                            blob.id(),
                            key.bytes(),
                            digest,
                            size,
                            blob.expiresAt(),
                            name,
                            mediaType,
                            caption),
                    localName);
        } catch (RuntimeException e) {
            deleteQuietly(local);
            throw e;
        }
    }

    private void uploadFrom(Blobs.Status blob, Path local) {
        long offset = blob.offset();
        int failures = 0;
        while (offset < blob.size()) {
            long to = Math.min(blob.size(), offset + UPLOAD_CHUNK);
            try {
                offset = api.put(blob.id(), local, offset, to).offset();
                failures = 0;
            } catch (BlobApi.RelayRefusal r) {
                if (r.code == ErrorCode.OFFSET_MISMATCH && r.offset >= 0) {
                    offset = r.offset; // a chunk committed whose answer was lost
                    failures++;
                } else if (r.status < 500 && (r.code == null || !r.code.retryable())) {
                    throw BlobApi.toChat(r, "uploading the file");
                } else {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
                LOG.log(Log.Level.DEBUG, "a chunk upload failed: {0}", e.getMessage());
                try {
                    offset = api.status(blob.id()).offset();
                } catch (IOException again) {
                    // the next attempt asks again
                }
            }
            if (failures >= ATTEMPTS) {
                throw new ChatException(
                        ChatException.Reason.RELAY_UNREACHABLE,
                        "uploading the file failed "
                                + ATTEMPTS
                                + " times in a row; "
                                + offset
                                + " of "
                                + blob.size()
                                + " bytes are on the relay");
            }
            pause(failures);
        }
    }

    /**
     * A stream of the file of the message, downloading and verifying it first if this device has no
     * verified copy yet; a downloaded file that this device was a recipient of is released on the
     * relay once verified.
     *
     * @throws ChatException INVALID_ARGUMENT if the message carries no file; FILE_UNAVAILABLE;
     *     CRYPTO_FAILURE if the file does not match its digest or does not decrypt (nothing of it
     *     is kept or shown); RELAY_UNREACHABLE; STORE_FAILURE
     */
    public InputStream open(String peer, String clientMsgId, boolean incoming) {
        AttachmentStore.Stored stored =
                attachments
                        .find(peer, clientMsgId, incoming)
                        .orElseThrow(
                                () ->
                                        new ChatException(
                                                ChatException.Reason.INVALID_ARGUMENT,
                                                "the message carries no file"));
        FileRef ref = stored.file();
        FileKey key;
        try {
            key = FileKey.of(ref.key());
        } catch (CryptoException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE, "the stored file key is damaged", e);
        }
        if (stored.localCopy() != null && Files.isRegularFile(folder.resolve(stored.localCopy()))) {
            return stream(key, folder.resolve(stored.localCopy()));
        }
        String localName = newName("d-");
        Path part = folder.resolve(localName + ".part");
        try {
            Files.createDirectories(folder);
            download(ref, part);
            verify(key, part);
            Path kept = folder.resolve(localName);
            Files.move(part, kept, StandardCopyOption.ATOMIC_MOVE);
            attachments.setLocalCopy(stored.messageRow(), localName);
            try {
                api.delete(ref.blobId());
            } catch (IOException e) {
                // the relay deletes it at its expiry anyway
                LOG.log(Log.Level.DEBUG, "releasing a fetched file failed: {0}", e.getMessage());
            }
            return stream(key, kept);
        } catch (IOException e) {
            deleteQuietly(part);
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE,
                    "cannot write the downloaded file: " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            deleteQuietly(part);
            throw e;
        }
    }

    private void download(FileRef ref, Path part) throws IOException {
        long expected = FileCipher.ciphertextLength(ref.size());
        MessageDigest digest = BlobApi.newDigest();
        long have = 0;
        int failures = 0;
        try (OutputStream out = Files.newOutputStream(part)) {
            while (true) {
                try {
                    long n = api.download(ref.blobId(), have, out, digest);
                    have += n;
                    if (n > 0) {
                        failures = 0;
                    }
                    if (have >= expected) {
                        break;
                    }
                    failures++;
                } catch (BlobApi.RelayRefusal r) {
                    if (r.status == 416) {
                        break; // the relay's blob is shorter than the message says
                    }
                    if (r.status < 500 && (r.code == null || !r.code.retryable())) {
                        throw BlobApi.toChat(r, "downloading the file");
                    }
                    failures++;
                } catch (IOException e) {
                    failures++;
                }
                if (failures >= ATTEMPTS) {
                    throw new ChatException(
                            ChatException.Reason.RELAY_UNREACHABLE,
                            "downloading the file failed " + ATTEMPTS + " times in a row");
                }
                pause(failures);
            }
        }
        if (have != expected || !MessageDigest.isEqual(digest.digest(), ref.digest())) {
            throw new ChatException(
                    ChatException.Reason.CRYPTO_FAILURE,
                    "the downloaded file does not match the digest its sender gave (changed or cut"
                            + " short on the way); nothing of it was kept");
        }
    }

    /** Decrypts the whole file once, so that a bad chunk fails here and not in the app's read. */
    private static void verify(FileKey key, Path part) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = FileCipher.decrypt(key, Files.newInputStream(part))) {
            while (in.read(buffer) >= 0) {
                // read to the end: every chunk's tag is checked
            }
        } catch (IOException e) {
            throw new ChatException(
                    ChatException.Reason.CRYPTO_FAILURE,
                    "the file does not decrypt with its key (its sender sent a damaged file);"
                            + " nothing of it was kept",
                    e);
        }
    }

    private static InputStream stream(FileKey key, Path copy) {
        try {
            return new FilterInputStream(FileCipher.decrypt(key, Files.newInputStream(copy))) {};
        } catch (IOException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE,
                    "cannot read the stored file: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Deletes encrypted copies whose message is gone (deleted from the history), and what an upload
     * or download interrupted by the process's end left. Call it while no transfer runs (when the
     * client opens: a store admits one client at a time).
     */
    public void deleteOrphans() {
        if (!Files.isDirectory(folder)) {
            return;
        }
        Set<String> keep = attachments.localCopies();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if ((n.startsWith("d-") || n.startsWith("f-")) && !keep.contains(n)) {
                    deleteQuietly(f);
                }
            }
        } catch (IOException e) {
            LOG.log(Log.Level.DEBUG, "cannot list the files folder: {0}", e.getMessage());
        }
    }

    /**
     * Deletes the encrypted copy {@code name} (as the attachment row named it) from the files
     * folder, if it is there; a name that is not a plain file name of the folder is ignored.
     */
    public void deleteCopy(String name) {
        Path f = folder.resolve(name).normalize();
        if (f.getParent() != null && f.getParent().equals(folder.normalize())) {
            deleteQuietly(f);
        }
    }

    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T retrying(String what, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (BlobApi.RelayRefusal r) {
                if ((r.status < 500 && (r.code == null || !r.code.retryable()))
                        || r.code == ErrorCode.QUOTA_EXCEEDED
                        || attempt >= ATTEMPTS) {
                    throw BlobApi.toChat(r, what);
                }
            } catch (IOException e) {
                if (attempt >= ATTEMPTS) {
                    throw new ChatException(
                            ChatException.Reason.RELAY_UNREACHABLE,
                            what + " failed: cannot reach the relay: " + e.getMessage(),
                            e);
                }
            }
            pause(attempt);
        }
    }

    private static void pause(int failures) {
        if (failures == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(5000L, 200L << Math.min(failures, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ChatException.Reason.CLOSED, "interrupted");
        }
    }

    private static String newName(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + dev.cipherline.sdk.internal.Compat.hex(b);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // deleteOrphans finds it later
        }
    }
}
