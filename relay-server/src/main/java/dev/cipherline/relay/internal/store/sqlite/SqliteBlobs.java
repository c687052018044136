package dev.cipherline.relay.internal.store.sqlite;

import dev.cipherline.protocol.Blobs;
import dev.cipherline.relay.internal.store.BlobQuotaException;
import dev.cipherline.relay.internal.store.BlobRecord;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Blobs with SQLite: metadata in the tables {@code blobs} and {@code blob_recipients} (written by
 * the store's writer, so durable like every other write), bytes in one file per blob under {@code
 * blobs/} in the data directory, named by its ID. A file is deleted after the transaction that
 * deleted its row committed; a file left without a row by a crash in between is deleted when the
 * store opens.
 */
final class SqliteBlobs implements BlobStore {
    private static final System.Logger LOG = System.getLogger(SqliteBlobs.class.getName());

    /** The folder of blob files inside the data directory. */
    static final String DIRECTORY = "blobs";

    private final Path dir;
    private final Function<SqliteWriter.Task<?>, CompletableFuture<?>> writer;
    private final Function<SqliteWriter.Task<?>, CompletableFuture<?>> reader;

    SqliteBlobs(
            Path dir,
            Function<SqliteWriter.Task<?>, CompletableFuture<?>> writer,
            Function<SqliteWriter.Task<?>, CompletableFuture<?>> reader) {
        this.dir = dir;
        this.writer = writer;
        this.reader = reader;
    }

    /** Creates the folder and deletes files no row names (a crash between commit and delete). */
    void open(Statements db) throws IOException, SQLException {
        Files.createDirectories(dir);
        Set<String> known = new HashSet<>();
        try (ResultSet rs = db.get("SELECT id FROM blobs").executeQuery()) {
            while (rs.next()) {
                known.add(rs.getString(1));
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!known.contains(name)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> write(SqliteWriter.Task<T> task) {
        return (CompletableFuture<T>) writer.apply(task);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> read(SqliteWriter.Task<T> task) {
        return (CompletableFuture<T>) reader.apply(task);
    }

    private Path file(String id) {
        if (!Blobs.isId(id)) {
            throw new IllegalArgumentException("not a blob ID");
        }
        return dir.resolve(id);
    }

    @Override
    public CompletableFuture<BlobRecord> create(BlobRecord blob, long quotaBytes) {
        try {
            // the file exists before the row does: a row never names a missing file
            Files.deleteIfExists(file(blob.id()));
            Files.createFile(file(blob.id()));
            syncDirectory();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return this.<BlobRecord>write(
                        db -> {
                            PreparedStatement used =
                                    db.get(
                                            "SELECT COALESCE(SUM(size), 0) FROM blobs"
                                                    + " WHERE owner_account = ? AND owner_device = ?");
                            used.setString(1, blob.owner().accountId());
                            used.setInt(2, blob.owner().deviceId());
                            long held;
                            try (ResultSet rs = used.executeQuery()) {
                                rs.next();
                                held = rs.getLong(1);
                            }
                            if (held + blob.size() > quotaBytes) {
                                throw new BlobQuotaException(held, quotaBytes);
                            }
                            PreparedStatement insert =
                                    db.get(
                                            "INSERT INTO blobs (id, owner_account, owner_device,"
                                                    + " size, committed, created_at, expires_at)"
                                                    + " VALUES (?, ?, ?, ?, 0, ?, ?)");
                            insert.setString(1, blob.id());
                            insert.setString(2, blob.owner().accountId());
                            insert.setInt(3, blob.owner().deviceId());
                            insert.setLong(4, blob.size());
                            insert.setLong(5, blob.createdAt());
                            insert.setLong(6, blob.expiresAt());
                            insert.executeUpdate();
                            PreparedStatement recipient =
                                    db.get(
                                            "INSERT INTO blob_recipients (blob_id, account, device)"
                                                    + " VALUES (?, ?, ?)");
                            for (DeviceAddress d : blob.recipients()) {
                                recipient.setString(1, blob.id());
                                recipient.setString(2, d.accountId());
                                recipient.setInt(3, d.deviceId());
                                recipient.executeUpdate();
                            }
                            return blob.withOffset(0);
                        })
                .whenComplete(
                        (created, error) -> {
                            if (error != null) {
                                deleteFile(blob.id());
                            }
                        });
    }

    @Override
    public CompletableFuture<Optional<BlobRecord>> find(String id) {
        return read(db -> find(db, id));
    }

    private static Optional<BlobRecord> find(Statements db, String id) throws SQLException {
        PreparedStatement blob =
                db.get(
                        "SELECT owner_account, owner_device, size, committed, created_at,"
                                + " expires_at FROM blobs WHERE id = ?");
        blob.setString(1, id);
        String account;
        int device;
        long size;
        long committed;
        long createdAt;
        long expiresAt;
        try (ResultSet rs = blob.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            account = rs.getString(1);
            device = rs.getInt(2);
            size = rs.getLong(3);
            committed = rs.getLong(4);
            createdAt = rs.getLong(5);
            expiresAt = rs.getLong(6);
        }
        PreparedStatement recipients =
                db.get("SELECT account, device FROM blob_recipients WHERE blob_id = ?");
        recipients.setString(1, id);
        List<DeviceAddress> list = new ArrayList<>();
        try (ResultSet rs = recipients.executeQuery()) {
            while (rs.next()) {
                list.add(new DeviceAddress(rs.getString(1), rs.getInt(2)));
            }
        }
        return Optional.of(
                new BlobRecord(
                        id,
                        new DeviceAddress(account, device),
                        size,
                        committed,
                        createdAt,
                        expiresAt,
                        list));
    }

    @Override
    public Sink append(BlobRecord blob, long offset) throws IOException {
        FileChannel channel = FileChannel.open(file(blob.id()), StandardOpenOption.WRITE);
        channel.position(offset);
        return new Sink() {
            private long position = offset;

            @Override
            public void write(ByteBuf bytes) throws IOException {
                int n = bytes.readableBytes();
                bytes.getBytes(bytes.readerIndex(), channel, position, n);
                position += n;
            }

            @Override
            public CompletableFuture<BlobRecord> commit() throws IOException {
                channel.force(false);
                long committed = position;
                return SqliteBlobs.this.<BlobRecord>write(
                        db -> {
                            PreparedStatement update =
                                    db.get(
                                            "UPDATE blobs SET committed = ? WHERE id = ?"
                                                    + " AND committed = ?");
                            update.setLong(1, committed);
                            update.setString(2, blob.id());
                            update.setLong(3, offset);
                            if (update.executeUpdate() != 1) {
                                throw new IllegalStateException(
                                        "the blob was deleted or its offset moved");
                            }
                            return blob.withOffset(committed);
                        });
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public Source read(BlobRecord blob, long from) throws IOException {
        FileChannel channel = FileChannel.open(file(blob.id()), StandardOpenOption.READ);
        return new Source() {
            private long position = from;

            @Override
            public int read(ByteBuf dst) throws IOException {
                long left = blob.size() - position;
                if (left <= 0) {
                    return -1;
                }
                int n =
                        dst.writeBytes(
                                channel, position, (int) Math.min(left, dst.writableBytes()));
                if (n < 0) {
                    throw new IOException("the blob's file is shorter than its size");
                }
                position += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public CompletableFuture<Boolean> release(String id, DeviceAddress recipient) {
        return this.<Boolean>write(
                        db -> {
                            PreparedStatement remove =
                                    db.get(
                                            "DELETE FROM blob_recipients WHERE blob_id = ? AND"
                                                    + " account = ? AND device = ?");
                            remove.setString(1, id);
                            remove.setString(2, recipient.accountId());
                            remove.setInt(3, recipient.deviceId());
                            if (remove.executeUpdate() == 0) {
                                return false;
                            }
                            PreparedStatement left =
                                    db.get(
                                            "SELECT 1 FROM blob_recipients WHERE blob_id = ?"
                                                    + " LIMIT 1");
                            left.setString(1, id);
                            try (ResultSet rs = left.executeQuery()) {
                                if (rs.next()) {
                                    return false;
                                }
                            }
                            return deleteRow(db, id);
                        })
                .thenApply(
                        deleted -> {
                            if (deleted) {
                                deleteFile(id);
                            }
                            return deleted;
                        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String id) {
        return this.<Boolean>write(db -> deleteRow(db, id))
                .thenApply(
                        deleted -> {
                            if (deleted) {
                                deleteFile(id);
                            }
                            return deleted;
                        });
    }

    private static boolean deleteRow(Statements db, String id) throws SQLException {
        PreparedStatement recipients = db.get("DELETE FROM blob_recipients WHERE blob_id = ?");
        recipients.setString(1, id);
        recipients.executeUpdate();
        PreparedStatement blob = db.get("DELETE FROM blobs WHERE id = ?");
        blob.setString(1, id);
        return blob.executeUpdate() == 1;
    }

    @Override
    public CompletableFuture<Integer> sweep(long now) {
        return this.<List<String>>write(
                        db -> {
                            PreparedStatement expired =
                                    db.get("SELECT id FROM blobs WHERE expires_at <= ?");
                            expired.setLong(1, now);
                            List<String> ids = new ArrayList<>();
                            try (ResultSet rs = expired.executeQuery()) {
                                while (rs.next()) {
                                    ids.add(rs.getString(1));
                                }
                            }
                            for (String id : ids) {
                                deleteRow(db, id);
                            }
                            return ids;
                        })
                .thenApply(
                        ids -> {
                            ids.forEach(this::deleteFile);
                            return ids.size();
                        });
    }

    private void deleteFile(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            // the next open deletes it
            LOG.log(Level.WARNING, "could not delete the file of blob " + id + ": " + e);
        }
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the file's own sync still holds its bytes
        }
    }
}
