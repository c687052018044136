package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Groups this device belongs to or belonged to: the newest membership snapshot applied, this
 * device's own sender key per group and who holds it, which group each received sender key belongs
 * to, removed members, and the newest sequence number seen per sending device.
 */
public final class GroupStore {
    private final Database db;

    public GroupStore(Database db) {
        this.db = db;
    }

    /**
     * One group.
     *
     * @param members sorted account IDs
     * @param ownKey this device's current sender key distribution ID, or null until the next send
     * @param nextSeq the sequence number of this device's next group message
     */
    public record Row(
            String groupId,
            String name,
            String admin,
            long epoch,
            List<String> members,
            boolean active,
            String ownKey,
            long nextSeq) {
        public Row {
            members = List.copyOf(members);
        }
    }

    private static final String COLUMNS =
            "group_id, name, admin, epoch, members, active, own_key, next_seq";

    public Optional<Row> find(Tx tx, String groupId) {
        return tx.sql(
                c -> {
                    List<Row> rows =
                            query(
                                    c,
                                    "SELECT " + COLUMNS + " FROM groups WHERE group_id = ?",
                                    groupId);
                    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
                });
    }

    /** Every group, by name. */
    public List<Row> all() {
        return db.sqlRead(
                c -> query(c, "SELECT " + COLUMNS + " FROM groups ORDER BY name, group_id"));
    }

    /** The groups named {@code name}, active ones first. */
    public List<Row> byName(String name) {
        return db.sqlRead(
                c ->
                        query(
                                c,
                                "SELECT "
                                        + COLUMNS
                                        + " FROM groups WHERE name = ? ORDER BY active DESC,"
                                        + " group_id",
                                name));
    }

    /** Stores a snapshot; keeps the own key and sequence number of an existing row. */
    public void put(Tx tx, Row r) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT INTO groups ("
                                        + COLUMNS
                                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET"
                                        + " name = excluded.name, admin = excluded.admin, epoch = excluded.epoch,"
                                        + " members = excluded.members, active = excluded.active",
                                r.groupId(),
                                r.name(),
                                r.admin(),
                                r.epoch(),
                                String.join("\n", r.members()),
                                r.active() ? 1 : 0,
                                r.ownKey(),
                                r.nextSeq()));
    }

    /** Sets this device's sender key; a new key (or none) is held by nobody yet. */
    public void setOwnKey(Tx tx, String groupId, String distributionId) {
        tx.run(
                c -> {
                    execute(
                            c,
                            "UPDATE groups SET own_key = ? WHERE group_id = ?",
                            distributionId,
                            groupId);
                    execute(c, "DELETE FROM group_key_holders WHERE group_id = ?", groupId);
                    execute(c, "DELETE FROM group_key_devices WHERE group_id = ?", groupId);
                });
    }

    /**
     * The devices of {@code member} that had a session when it was handed this device's current
     * sender key for the group (empty if it was not, or before the devices were recorded).
     */
    public Set<Integer> holderDevices(Tx tx, String groupId, String member) {
        return tx.sql(
                c -> {
                    Set<Integer> out = new java.util.TreeSet<>();
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT device_id FROM group_key_devices WHERE group_id = ?"
                                            + " AND member = ?")) {
                        Sql.bind(ps, groupId, member);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(rs.getInt(1));
                            }
                        }
                    }
                    return out;
                });
    }

    /** Records that {@code devices} of {@code member} were handed this device's current key. */
    public void addHolderDevices(
            Tx tx, String groupId, String member, java.util.Collection<Integer> devices) {
        tx.run(
                c -> {
                    for (int device : devices) {
                        execute(
                                c,
                                "INSERT OR IGNORE INTO group_key_devices (group_id, member,"
                                        + " device_id) VALUES (?, ?, ?)",
                                groupId,
                                member,
                                device);
                    }
                });
    }

    public Set<String> holders(Tx tx, String groupId) {
        return tx.sql(
                c -> {
                    Set<String> out = new LinkedHashSet<>();
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT member FROM group_key_holders WHERE group_id = ?")) {
                        Sql.bind(ps, groupId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.add(rs.getString(1));
                            }
                        }
                    }
                    return out;
                });
    }

    public void addHolder(Tx tx, String groupId, String member) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT OR IGNORE INTO group_key_holders (group_id, member) VALUES (?, ?)",
                                groupId,
                                member));
    }

    /** Returns this device's next sequence number in the group and advances it. */
    public long takeSeq(Tx tx, String groupId) {
        return tx.sql(
                c -> {
                    long seq = number(c, "SELECT next_seq FROM groups WHERE group_id = ?", groupId);
                    execute(
                            c,
                            "UPDATE groups SET next_seq = ? WHERE group_id = ?",
                            seq + 1,
                            groupId);
                    return seq;
                });
    }

    /** Records that {@code account}'s sender key {@code distributionId} is for the group. */
    public void mapSenderKey(
            Tx tx, String account, int device, String distributionId, String groupId) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT OR REPLACE INTO group_sender_keys (account_id, device_id, distribution_id,"
                                        + " group_id) VALUES (?, ?, ?, ?)",
                                account,
                                device,
                                distributionId,
                                groupId));
    }

    /** The group a received sender key was distributed for, or null. */
    public String senderKeyGroup(Tx tx, String account, int device, String distributionId) {
        return tx.sql(
                c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT group_id FROM group_sender_keys WHERE account_id = ? AND"
                                            + " device_id = ? AND distribution_id = ?")) {
                        Sql.bind(ps, account, device, distributionId);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? rs.getString(1) : null;
                        }
                    }
                });
    }

    /** Deletes every sender key {@code account} distributed for the group. */
    public void forgetSenderKeys(Tx tx, String groupId, String account) {
        tx.run(
                c -> {
                    execute(
                            c,
                            "DELETE FROM sender_keys WHERE account_id = ? AND distribution_id IN (SELECT"
                                    + " distribution_id FROM group_sender_keys WHERE account_id = ? AND"
                                    + " group_id = ?)",
                            account,
                            account,
                            groupId);
                    execute(
                            c,
                            "DELETE FROM group_sender_keys WHERE account_id = ? AND group_id = ?",
                            account,
                            groupId);
                });
    }

    public void setRemoved(Tx tx, String groupId, String member, boolean removed) {
        tx.run(
                c -> {
                    if (removed) {
                        execute(
                                c,
                                "INSERT OR IGNORE INTO group_removed (group_id, member) VALUES (?, ?)",
                                groupId,
                                member);
                    } else {
                        execute(
                                c,
                                "DELETE FROM group_removed WHERE group_id = ? AND member = ?",
                                groupId,
                                member);
                    }
                });
    }

    public boolean isRemoved(Tx tx, String groupId, String member) {
        return tx.sql(
                c ->
                        number(
                                        c,
                                        "SELECT 1 FROM group_removed WHERE group_id = ? AND member = ?",
                                        groupId,
                                        member)
                                != null);
    }

    /**
     * Records {@code seq} from the sending device and returns the newest sequence number seen
     * before it (0 if none).
     */
    public long advanceSeq(Tx tx, String groupId, String account, int device, long seq) {
        return tx.sql(
                c -> {
                    Long last =
                            number(
                                    c,
                                    "SELECT last_seq FROM group_seqs WHERE group_id = ? AND account_id = ? AND"
                                            + " device_id = ?",
                                    groupId,
                                    account,
                                    device);
                    long previous = last == null ? 0 : last;
                    if (seq > previous) {
                        execute(
                                c,
                                "INSERT OR REPLACE INTO group_seqs (group_id, account_id, device_id, last_seq)"
                                        + " VALUES (?, ?, ?, ?)",
                                groupId,
                                account,
                                device,
                                seq);
                    }
                    return previous;
                });
    }

    private static List<Row> query(Connection c, String sql, Object... args) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String members = rs.getString(5);
                    out.add(
                            new Row(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getLong(4),
                                    members.isEmpty() ? List.of() : List.of(members.split("\n")),
                                    rs.getInt(6) == 1,
                                    rs.getString(7),
                                    rs.getLong(8)));
                }
            }
        }
        return out;
    }
}
