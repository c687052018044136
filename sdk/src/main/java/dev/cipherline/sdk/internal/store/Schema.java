package dev.cipherline.sdk.internal.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema, versioned with SQLite's {@code user_version}. Each entry of {@link
 * #MIGRATIONS} takes the schema from version i to i + 1; never edit a released entry, append one.
 */
final class Schema {
    private static final List<String[]> MIGRATIONS =
            List.<String[]>of(
                    new String[] {
                        """
                        CREATE TABLE identity (
                            id INTEGER PRIMARY KEY CHECK (id = 1),
                            account_id TEXT NOT NULL,
                            device_id INTEGER NOT NULL,
                            registration_id INTEGER NOT NULL,
                            identity_key_pair BLOB NOT NULL,
                            auth_private_key BLOB NOT NULL,
                            relay_url TEXT NOT NULL,
                            name TEXT,
                            next_prekey_id INTEGER NOT NULL,
                            next_kyber_prekey_id INTEGER NOT NULL,
                            created_at INTEGER NOT NULL)
                        """,
                        // one identity key per account: account IDs are derived from it
                        """
                        CREATE TABLE peer_identities (
                            account_id TEXT PRIMARY KEY,
                            identity_key BLOB NOT NULL,
                            first_seen INTEGER NOT NULL)
                        """,
                        "CREATE TABLE prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL)",
                        "CREATE TABLE signed_prekeys (id INTEGER PRIMARY KEY, record BLOB NOT NULL)",
                        """
                        CREATE TABLE kyber_prekeys (
                            id INTEGER PRIMARY KEY,
                            record BLOB NOT NULL,
                            last_resort INTEGER NOT NULL)
                        """,
                        // base keys seen with a last-resort Kyber prekey, to refuse replays
                        """
                        CREATE TABLE kyber_base_keys (
                            kyber_prekey_id INTEGER NOT NULL,
                            signed_prekey_id INTEGER NOT NULL,
                            base_key BLOB NOT NULL,
                            PRIMARY KEY (kyber_prekey_id, signed_prekey_id, base_key))
                        """,
                        """
                        CREATE TABLE sessions (
                            account_id TEXT NOT NULL,
                            device_id INTEGER NOT NULL,
                            record BLOB NOT NULL,
                            PRIMARY KEY (account_id, device_id))
                        """,
                        """
                        CREATE TABLE sender_keys (
                            account_id TEXT NOT NULL,
                            device_id INTEGER NOT NULL,
                            distribution_id TEXT NOT NULL,
                            record BLOB NOT NULL,
                            PRIMARY KEY (account_id, device_id, distribution_id))
                        """,
                        """
                        CREATE TABLE contacts (
                            name TEXT PRIMARY KEY,
                            account_id TEXT NOT NULL UNIQUE)
                        """,
                        """
                        CREATE TABLE messages (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            peer TEXT NOT NULL,
                            direction INTEGER NOT NULL,
                            sender_device INTEGER NOT NULL,
                            client_msg_id TEXT NOT NULL,
                            text TEXT NOT NULL,
                            sent_at INTEGER NOT NULL,
                            received_at INTEGER,
                            state TEXT NOT NULL,
                            delivered_to_app INTEGER NOT NULL,
                            failure TEXT,
                            UNIQUE (peer, direction, sender_device, client_msg_id))
                        """,
                        "CREATE INDEX messages_by_peer ON messages (peer, id)",
                        """
                        CREATE INDEX messages_not_delivered ON messages (delivered_to_app)
                            WHERE delivered_to_app = 0
                        """,
                        """
                        CREATE TABLE outbox (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            message_id INTEGER NOT NULL UNIQUE REFERENCES messages (id),
                            recipient TEXT NOT NULL,
                            client_msg_id TEXT NOT NULL,
                            expires_at INTEGER NOT NULL,
                            sealed BLOB NOT NULL,
                            attempts INTEGER NOT NULL,
                            next_attempt_at INTEGER NOT NULL,
                            last_error TEXT)
                        """,
                        "CREATE INDEX outbox_by_recipient ON outbox (recipient, id)"
                    },
                    new String[] {
                        // receipts travel through the outbox but are no message: message_id NULL
                        """
                        CREATE TABLE outbox_v2 (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            message_id INTEGER UNIQUE REFERENCES messages (id),
                            recipient TEXT NOT NULL,
                            client_msg_id TEXT NOT NULL,
                            expires_at INTEGER NOT NULL,
                            sealed BLOB NOT NULL,
                            attempts INTEGER NOT NULL,
                            next_attempt_at INTEGER NOT NULL,
                            last_error TEXT)
                        """,
                        "INSERT INTO outbox_v2 SELECT * FROM outbox",
                        "DROP TABLE outbox",
                        "ALTER TABLE outbox_v2 RENAME TO outbox",
                        "CREATE INDEX outbox_by_recipient ON outbox (recipient, id)",
                        // one row per peer, kept up to date on every insert, so a conversation
                        // list of hundreds of peers is read without scanning the messages
                        """
                        CREATE TABLE conversations (
                            peer TEXT PRIMARY KEY,
                            last_activity INTEGER NOT NULL,
                            unread_count INTEGER NOT NULL,
                            read_watermark INTEGER NOT NULL)
                        """,
                        """
                        CREATE INDEX conversations_by_activity
                            ON conversations (last_activity DESC, peer)
                        """,
                        """
                        INSERT INTO conversations (peer, last_activity, unread_count, read_watermark)
                            SELECT peer, MAX(COALESCE(received_at, sent_at)),
                                SUM(CASE WHEN direction = 0 THEN 1 ELSE 0 END), 0
                            FROM messages GROUP BY peer
                        """,
                        // receipts owed to peers, written with the message they acknowledge and
                        // turned into outbox entries in batches
                        """
                        CREATE TABLE receipt_queue (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            peer TEXT NOT NULL,
                            type INTEGER NOT NULL,
                            client_msg_id TEXT NOT NULL)
                        """
                    },
                    new String[] {
                        // groups: the newest membership snapshot this device applied, and this
                        // device's own sender key for the group (NULL until the next send after a
                        // rotation) with the next sequence number of its group messages
                        """
                        CREATE TABLE groups (
                            group_id TEXT PRIMARY KEY,
                            name TEXT NOT NULL,
                            admin TEXT NOT NULL,
                            epoch INTEGER NOT NULL,
                            members TEXT NOT NULL,
                            active INTEGER NOT NULL,
                            own_key TEXT,
                            next_seq INTEGER NOT NULL)
                        """,
                        // the members that were handed this device's current sender key
                        """
                        CREATE TABLE group_key_holders (
                            group_id TEXT NOT NULL,
                            member TEXT NOT NULL,
                            PRIMARY KEY (group_id, member))
                        """,
                        // which group each received sender key was distributed for
                        """
                        CREATE TABLE group_sender_keys (
                            account_id TEXT NOT NULL,
                            device_id INTEGER NOT NULL,
                            distribution_id TEXT NOT NULL,
                            group_id TEXT NOT NULL,
                            PRIMARY KEY (account_id, device_id, distribution_id))
                        """,
                        // members removed by a snapshot: their group messages are refused
                        """
                        CREATE TABLE group_removed (
                            group_id TEXT NOT NULL,
                            member TEXT NOT NULL,
                            PRIMARY KEY (group_id, member))
                        """,
                        // the newest sequence number seen per sending device, for gap detection
                        """
                        CREATE TABLE group_seqs (
                            group_id TEXT NOT NULL,
                            account_id TEXT NOT NULL,
                            device_id INTEGER NOT NULL,
                            last_seq INTEGER NOT NULL,
                            PRIMARY KEY (group_id, account_id, device_id))
                        """,
                        "ALTER TABLE messages ADD COLUMN group_id TEXT"
                    },
                    new String[] {
                        // envelopes opened that left no message row (receipts, group control
                        // messages), so that their redelivery is dropped before decrypting and a
                        // used ratchet step seen again is a replay; kept until the envelope expires
                        """
                        CREATE TABLE seen_envelopes (
                            sender TEXT NOT NULL,
                            sender_device INTEGER NOT NULL,
                            client_msg_id TEXT NOT NULL,
                            expires_at INTEGER NOT NULL,
                            PRIMARY KEY (sender, sender_device, client_msg_id)) WITHOUT ROWID
                        """,
                        "CREATE INDEX seen_envelopes_expiry ON seen_envelopes (expires_at)",
                        // accounts whose safety number the user compared and confirmed, with the
                        // identity key it was computed from
                        """
                        CREATE TABLE verified_identities (
                            account_id TEXT PRIMARY KEY,
                            identity_key BLOB NOT NULL,
                            verified_at INTEGER NOT NULL)
                        """,
                        // a stable small number per member of each group, for the read bitmaps
                        """
                        CREATE TABLE group_member_index (
                            group_id TEXT NOT NULL,
                            member TEXT NOT NULL,
                            idx INTEGER NOT NULL,
                            PRIMARY KEY (group_id, member),
                            UNIQUE (group_id, idx))
                        """,
                        // for each of this account's group messages: to how many members it went,
                        // and who has it and who read it (serialized Roaring bitmaps of indexes)
                        """
                        CREATE TABLE group_read_state (
                            message_id INTEGER PRIMARY KEY,
                            group_id TEXT NOT NULL,
                            recipients INTEGER NOT NULL,
                            delivered BLOB,
                            read BLOB)
                        """,
                        // unread count and read watermark per group, like conversations for 1:1
                        """
                        CREATE TABLE group_unread (
                            group_id TEXT PRIMARY KEY,
                            unread_count INTEGER NOT NULL,
                            read_watermark INTEGER NOT NULL)
                        """,
                        // the account a contact name pointed to before an unaccepted identity
                        // change
                        "ALTER TABLE contacts ADD COLUMN changed_from TEXT",
                        // the data key that encrypts the sensitive columns, wrapped (StoreKeyTable)
                        """
                        CREATE TABLE store_key (
                            id INTEGER PRIMARY KEY CHECK (id = 1),
                            scheme TEXT NOT NULL,
                            salt BLOB,
                            memory_kib INTEGER,
                            iterations INTEGER,
                            parallelism INTEGER,
                            wrapped_key BLOB NOT NULL)
                        """
                    },
                    new String[] {
                        // every message moves its conversation's last_activity, so this index cost
                        // a page written per message sent or received; the conversation list reads
                        // the whole table anyway and sorts its rows (one per peer) in memory
                        "DROP INDEX conversations_by_activity"
                    },
                    new String[] {
                        // a receipt names client message IDs; finding which of them are this
                        // account's group messages joined every ID against all messages (a full
                        // scan each, since the messages' unique key starts with the peer), so
                        // every receipt cost a scan of the whole history
                        "ALTER TABLE group_read_state ADD COLUMN client_msg_id TEXT",
                        """
                        UPDATE group_read_state SET client_msg_id =
                            (SELECT m.client_msg_id FROM messages m WHERE m.id = message_id)
                        """,
                        "CREATE INDEX group_read_state_by_client_msg_id"
                                + " ON group_read_state (client_msg_id)",
                        // marking a group read found its messages by a scan of every message;
                        // only group messages enter this index
                        """
                        CREATE INDEX messages_by_group ON messages (group_id, id)
                            WHERE group_id IS NOT NULL
                        """
                    },
                    new String[] {
                        // the names of this account's devices, this one's included, as each
                        // device told the others (the relay keeps no names: they are user data)
                        """
                        CREATE TABLE device_names (
                            device_id INTEGER PRIMARY KEY,
                            name TEXT NOT NULL,
                            updated_at INTEGER NOT NULL)
                        """,
                        // which devices of each holder had a session when it was handed this
                        // device's current sender key: a device that appears later (a linked one)
                        // is handed the key again before the next group message
                        """
                        CREATE TABLE group_key_devices (
                            group_id TEXT NOT NULL,
                            member TEXT NOT NULL,
                            device_id INTEGER NOT NULL,
                            PRIMARY KEY (group_id, member, device_id))
                        """,
                        // keys handed out before this table existed went to the devices with a
                        // session then, as far as this device can tell
                        """
                        INSERT INTO group_key_devices (group_id, member, device_id)
                            SELECT h.group_id, h.member, s.device_id
                            FROM group_key_holders h JOIN sessions s ON s.account_id = h.member
                        """
                    },
                    new String[] {
                        // the newest signed device list seen of each account (this one included):
                        // a relay that hands out an older one is caught by its version
                        """
                        CREATE TABLE device_lists (
                            account_id TEXT PRIMARY KEY,
                            version INTEGER NOT NULL,
                            list BLOB NOT NULL)
                        """
                    },
                    new String[] {
                        // the highest device list version each account's own messages announced
                        // (end to end): the relay must hand out at least that one; kept here so a
                        // restart does not forget it
                        """
                        CREATE TABLE device_list_announced (
                            account_id TEXT PRIMARY KEY,
                            version INTEGER NOT NULL)
                        """
                    },
                    new String[] {
                        // notes the SDK writes into a history (direction 2): what they are about;
                        // their text is sealed in the text column like a message's
                        "ALTER TABLE messages ADD COLUMN note_kind TEXT",
                        "ALTER TABLE messages ADD COLUMN note_about TEXT",
                        "ALTER TABLE messages ADD COLUMN note_count INTEGER"
                    },
                    new String[] {
                        // disappearing messages: the timer of each 1:1 conversation (by the peer's
                        // account ID) and group (by its "group:" marker), kept by the newest
                        // setting (set_at, then set_by) so that every device converges
                        """
                        CREATE TABLE disappearing_timers (
                            conversation TEXT PRIMARY KEY,
                            seconds INTEGER NOT NULL,
                            set_at INTEGER NOT NULL,
                            set_by TEXT NOT NULL)
                        """,
                        // the timer a message was stored under (NULL: none) and, once it runs (an
                        // outgoing message left the outbox, an incoming one was read), when it is
                        // deleted
                        "ALTER TABLE messages ADD COLUMN disappear_after INTEGER",
                        "ALTER TABLE messages ADD COLUMN disappear_at INTEGER",
                        """
                        CREATE INDEX messages_disappearing ON messages (disappear_at)
                            WHERE disappear_at IS NOT NULL
                        """
                    });

    /** The version whose migration indexes the client message IDs of group messages. */
    static final int GROUP_MESSAGE_INDEXES = 6;

    private Schema() {}

    /** The schema version this build writes. */
    static int currentVersion() {
        return MIGRATIONS.size();
    }

    static void migrate(Connection c) throws SQLException {
        migrate(c, MIGRATIONS.size());
    }

    /** Migrates up to schema version {@code target} (tests make stores of older versions). */
    static void migrate(Connection c, int target) throws SQLException {
        int version;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > MIGRATIONS.size()) {
            throw new SQLException(
                    "the store has schema version "
                            + version
                            + " from a newer SDK; this SDK knows up to "
                            + MIGRATIONS.size());
        }
        if (version >= target) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (int v = version; v < target; v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
            }
            s.execute("PRAGMA user_version = " + target);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
