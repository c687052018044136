package dev.cipherline.sdk.internal.store;

import dev.cipherline.sdk.ChatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Makes commits durable outside the store's lock. The connection runs with {@code
 * synchronous=NORMAL}, so a commit only writes its pages to the write-ahead log (the operating
 * system's cache); a transaction that must survive power loss then calls {@link #syncTo} with the
 * commit's number after releasing the lock, which flushes the log file to disk ({@code fdatasync}).
 * That is the same guarantee {@code synchronous=FULL} gives in WAL mode (the log is synced at every
 * commit), without holding the lock for the flush: the app's {@code send} and the other threads of
 * the client go on while one thread waits for the disk.
 *
 * <p>One flush covers every commit written before it started, so threads waiting together share one
 * (a group sync). A flush covers commits of other threads too; that is what makes it safe that a
 * thread may read another's commit before it is durable: every path that lets bytes leave the
 * device after a store write (an encrypted envelope, an acknowledgement) runs a synced transaction
 * of its own first, and that transaction's flush covers everything it read.
 */
final class WalSync {
    private final Path wal;
    private final Object flushing = new Object();
    private volatile long committed;
    private long synced;
    private FileChannel channel;
    private Object fileKey;

    WalSync(Path databaseFile) {
        this.wal = databaseFile.resolveSibling(databaseFile.getFileName() + "-wal");
    }

    /** Counts a commit; called under the store's lock right after it. Returns its number. */
    long committed() {
        long n = committed + 1;
        committed = n;
        return n;
    }

    /**
     * Returns once commit {@code commit} (and every one before it) is on disk.
     *
     * @throws IOException if the log cannot be flushed
     */
    void syncTo(long commit) throws IOException {
        synchronized (flushing) {
            if (synced >= commit) {
                return;
            }
            // every commit counted so far has written its pages: this flush covers them all
            long target = committed;
            channel().force(false);
            synced = target;
        }
    }

    /** The commits counted and the number of them known to be on disk. */
    long[] counts() {
        synchronized (flushing) {
            return new long[] {committed, synced};
        }
    }

    private FileChannel channel() throws IOException {
        Object key = Files.readAttributes(wal, BasicFileAttributes.class).fileKey();
        if (channel == null || key == null || !key.equals(fileKey)) {
            close();
            // fdatasync on any descriptor of the file flushes all of its written pages
            channel = FileChannel.open(wal, StandardOpenOption.READ);
            fileKey = key;
        }
        return channel;
    }

    /** Closes the log's descriptor; the next sync opens it again. */
    void close() {
        synchronized (flushing) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read-only descriptor: nothing was buffered in it
                }
                channel = null;
            }
        }
    }

    static ChatException failure(IOException e) {
        return new ChatException(
                ChatException.Reason.STORE_FAILURE,
                "the local store cannot be synced to disk: " + e.getMessage(),
                e);
    }
}
