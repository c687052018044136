package dev.cipherline.relay.internal.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The relay's tables. Ciphertext lives in {@code queue.data} when it has one recipient device
 * ({@code body_id} 0), or once in {@code bodies} when several devices share it ({@code body_id}
 * names it); everything else is metadata. Opening a database of an older layout adds what is
 * missing.
 */
final class Schema {
    /**
     * Entries are rows in the order the relay accepted them ({@code id}); a device's queue is the
     * index on {@code (device_id, seq)}. A batch of envelopes to many devices then appends to the
     * same few pages instead of touching one page per device, and an ack deletes from pages that
     * the batch that stored the entry touched recently: fewer pages per commit to write and sync.
     */
    private static final String QUEUE_TABLE =
            """
            CREATE TABLE IF NOT EXISTS queue (
                id INTEGER PRIMARY KEY,
                device_id INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                body_id INTEGER NOT NULL,
                data BLOB,
                sender TEXT NOT NULL,
                sender_device INTEGER NOT NULL,
                client_msg_id TEXT NOT NULL,
                kind INTEGER NOT NULL,
                server_time INTEGER NOT NULL,
                expires_at INTEGER NOT NULL)
            """;

    /**
     * The clientMsgIds of accepted sends, keyed by the sending device's row in {@code devices}
     * rather than its account ID and device ID: a third of the size, so more of it stays cached.
     */
    private static final String ACCEPTED_TABLE =
            """
            CREATE TABLE IF NOT EXISTS accepted_sends (
                sender_id INTEGER NOT NULL,
                client_msg_id TEXT NOT NULL,
                accepted_at INTEGER NOT NULL,
                PRIMARY KEY (sender_id, client_msg_id)) WITHOUT ROWID
            """;

    private static final String QUEUE_COLUMNS =
            "device_id, seq, body_id, data, sender, sender_device, client_msg_id, kind,"
                    + " server_time, expires_at";

    private static final List<String> STATEMENTS =
            List.of(
                    """
                    CREATE TABLE IF NOT EXISTS devices (
                        id INTEGER PRIMARY KEY,
                        account TEXT NOT NULL,
                        device INTEGER NOT NULL,
                        registration_id INTEGER NOT NULL,
                        identity_key BLOB NOT NULL,
                        auth_key BLOB NOT NULL,
                        next_seq INTEGER NOT NULL DEFAULT 1,
                        registered_at INTEGER NOT NULL,
                        UNIQUE (account, device))
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS signed_prekeys (
                        device_id INTEGER PRIMARY KEY,
                        key_id INTEGER NOT NULL,
                        public_key BLOB NOT NULL,
                        signature BLOB NOT NULL)
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS kyber_prekeys (
                        device_id INTEGER NOT NULL,
                        last_resort INTEGER NOT NULL,
                        key_id INTEGER NOT NULL,
                        public_key BLOB NOT NULL,
                        signature BLOB NOT NULL,
                        PRIMARY KEY (device_id, last_resort, key_id))
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS ec_prekeys (
                        device_id INTEGER NOT NULL,
                        key_id INTEGER NOT NULL,
                        public_key BLOB NOT NULL,
                        PRIMARY KEY (device_id, key_id))
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS bodies (
                        id INTEGER PRIMARY KEY,
                        data BLOB NOT NULL,
                        expires_at INTEGER NOT NULL)
                    """,
                    "CREATE INDEX IF NOT EXISTS bodies_expiry ON bodies (expires_at)",
                    QUEUE_TABLE,
                    "CREATE UNIQUE INDEX IF NOT EXISTS queue_device_seq ON queue (device_id, seq)",
                    "CREATE INDEX IF NOT EXISTS queue_expiry ON queue (expires_at)",
                    "DROP INDEX IF EXISTS queue_body",
                    "CREATE INDEX IF NOT EXISTS queue_shared_body ON queue (body_id)"
                            + " WHERE body_id > 0",
                    ACCEPTED_TABLE,
                    "CREATE INDEX IF NOT EXISTS accepted_sends_age ON accepted_sends (accepted_at)",
                    // only the SHA-256 of an invite token is kept; the token is shown once
                    """
                    CREATE TABLE IF NOT EXISTS invites (
                        id TEXT PRIMARY KEY,
                        token_hash BLOB NOT NULL UNIQUE,
                        uses INTEGER NOT NULL,
                        uses_left INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL)
                    """,
                    "CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)",
                    // when each device last authenticated, for the admin command's device list
                    "CREATE TABLE IF NOT EXISTS device_seen (device_id INTEGER PRIMARY KEY, at"
                            + " INTEGER NOT NULL)",
                    // provisioning mailboxes: one device-link ciphertext each, for minutes
                    """
                    CREATE TABLE IF NOT EXISTS provisioning (
                        id TEXT PRIMARY KEY,
                        state INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        data BLOB)
                    """,
                    // each account's latest signed device list, as its device sent it; accounts
                    // registered before lists existed have no row until a device uploads one
                    """
                    CREATE TABLE IF NOT EXISTS device_lists (
                        account TEXT PRIMARY KEY,
                        version INTEGER NOT NULL,
                        list BLOB NOT NULL)
                    """,
                    // encrypted files: the bytes are files under blobs/, named by the ID; a
                    // recipient's row goes when it released the blob, the blob with the last one
                    """
                    CREATE TABLE IF NOT EXISTS blobs (
                        id TEXT PRIMARY KEY,
                        owner_account TEXT NOT NULL,
                        owner_device INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        committed INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL)
                    """,
                    "CREATE INDEX IF NOT EXISTS blobs_owner ON blobs (owner_account, owner_device)",
                    "CREATE INDEX IF NOT EXISTS blobs_expiry ON blobs (expires_at)",
                    """
                    CREATE TABLE IF NOT EXISTS blob_recipients (
                        blob_id TEXT NOT NULL,
                        account TEXT NOT NULL,
                        device INTEGER NOT NULL,
                        PRIMARY KEY (blob_id, account, device)) WITHOUT ROWID
                    """,
                    // expiry notices until their device acknowledges them: kind 0 tells a sending
                    // device that one entry it sent expired unread (peer = the recipient device),
                    // kind 1 tells a recipient device how many entries of one sender device
                    // (peer) expired in its queue; AUTOINCREMENT, so an ID is never reused
                    """
                    CREATE TABLE IF NOT EXISTS expiry_notices (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        device_id INTEGER NOT NULL,
                        kind INTEGER NOT NULL,
                        peer TEXT NOT NULL,
                        peer_device INTEGER NOT NULL,
                        client_msg_id TEXT,
                        count INTEGER NOT NULL,
                        first_at INTEGER NOT NULL,
                        last_at INTEGER NOT NULL)
                    """,
                    "CREATE INDEX IF NOT EXISTS expiry_notices_device ON expiry_notices"
                            + " (device_id, id)",
                    "CREATE UNIQUE INDEX IF NOT EXISTS expiry_notices_summary ON expiry_notices"
                            + " (device_id, peer, peer_device) WHERE kind = 1");

    private Schema() {}

    static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : STATEMENTS) {
                statement.execute(sql);
            }
            addInlineData(statement);
            boolean queueByDevice = !hasColumn(statement, "queue", "id");
            boolean acceptedByAccount = hasColumn(statement, "accepted_sends", "sender");
            if (queueByDevice || acceptedByAccount) {
                inOneTransaction(
                        statement,
                        () -> {
                            if (queueByDevice) {
                                orderQueueByArrival(statement);
                            }
                            if (acceptedByAccount) {
                                keyAcceptedByDeviceRow(statement);
                            }
                        });
                for (String sql : STATEMENTS) {
                    statement.execute(sql);
                }
            }
        }
    }

    /**
     * Before entries were rows in the order of their arrival, the queue was keyed by {@code
     * (device_id, seq)}: rebuilds it in the new layout, in one transaction, keeping every entry.
     */
    private static void orderQueueByArrival(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE queue RENAME TO queue_by_device");
        statement.execute(QUEUE_TABLE);
        statement.execute(
                "INSERT INTO queue ("
                        + QUEUE_COLUMNS
                        + ") SELECT "
                        + QUEUE_COLUMNS
                        + " FROM queue_by_device ORDER BY server_time, device_id, seq");
        statement.execute("DROP TABLE queue_by_device");
    }

    /**
     * Before the clientMsgIds of accepted sends were keyed by the device's row, they were keyed by
     * account ID and device ID: rebuilds the table, keeping the record of every registered device.
     */
    private static void keyAcceptedByDeviceRow(Statement statement) throws SQLException {
        statement.execute("ALTER TABLE accepted_sends RENAME TO accepted_sends_by_account");
        statement.execute(ACCEPTED_TABLE);
        statement.execute(
                "INSERT INTO accepted_sends (sender_id, client_msg_id, accepted_at)"
                        + " SELECT d.id, a.client_msg_id, a.accepted_at"
                        + " FROM accepted_sends_by_account a JOIN devices d"
                        + " ON d.account = a.sender AND d.device = a.sender_device");
        statement.execute("DROP TABLE accepted_sends_by_account");
    }

    private interface Step {
        void run() throws SQLException;
    }

    private static void inOneTransaction(Statement statement, Step step) throws SQLException {
        Connection connection = statement.getConnection();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            step.run();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static boolean hasColumn(Statement statement, String table, String column)
            throws SQLException {
        try (ResultSet rs = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (rs.getString("name").equals(column)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Before entries held their own ciphertext: the queue had no {@code data} column. */
    private static void addInlineData(Statement statement) throws SQLException {
        if (!hasColumn(statement, "queue", "data")) {
            statement.execute("ALTER TABLE queue ADD COLUMN data BLOB");
        }
    }
}
