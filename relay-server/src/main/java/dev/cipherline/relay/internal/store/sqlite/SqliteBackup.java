package dev.cipherline.relay.internal.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * An online backup of the SQLite store: {@code VACUUM INTO} copies the database as one read
 * transaction sees it, so the copy is consistent while the relay keeps writing (readers and the WAL
 * writer do not block each other). Every envelope accepted before the backup began is in it; ones
 * accepted during it may be. The copy is written beside the target, checked with {@code PRAGMA
 * integrity_check}, synced, and only then renamed to the target, which is never overwritten.
 */
public final class SqliteBackup {
    private SqliteBackup() {}

    /**
     * What a backup holds.
     *
     * @param file the backup
     * @param bytes its size
     * @param devices registered devices in it
     * @param queued envelopes queued in it
     */
    public record Result(Path file, long bytes, long devices, long queued) {}

    /**
     * Copies {@code dataDir/relay.db} into {@code target}.
     *
     * @throws IOException with one sentence for the operator if there is no database, the target
     *     exists, or the copy fails
     */
    public static Result run(Path dataDir, Path target) throws IOException {
        Path db = dataDir.resolve(SqliteRelayStore.FILE_NAME);
        if (!Files.isRegularFile(db)) {
            throw new IOException("there is no " + SqliteRelayStore.FILE_NAME + " in " + dataDir);
        }
        if (Files.exists(target)) {
            throw new IOException(target + " exists; a backup never overwrites a file");
        }
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            throw new IOException("the folder of " + target + " does not exist");
        }
        Path partial = folder.resolve(absolute.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        try {
            try (Connection source = connect(db);
                    PreparedStatement vacuum = source.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, partial.toString());
                vacuum.execute();
            }
            Result result;
            try (Connection copy = connect(partial)) {
                check(copy, target);
                result =
                        new Result(
                                target,
                                Files.size(partial),
                                count(copy, "devices"),
                                count(copy, "queue"));
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, absolute);
            }
            return result;
        } catch (SQLException e) {
            throw new IOException("the backup failed: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    private static void check(Connection copy, Path target) throws SQLException, IOException {
        try (Statement s = copy.createStatement();
                ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            String verdict = r.next() ? r.getString(1) : "no answer";
            if (!"ok".equals(verdict)) {
                throw new IOException("the copy for " + target + " is damaged: " + verdict);
            }
        }
    }

    private static long count(Connection copy, String table) throws SQLException {
        try (Statement s = copy.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
