package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.blob;

import dev.cipherline.protocol.AccountIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.state.SenderKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;

/**
 * libsignal's stores over the client's SQLite file. Every method runs in the caller's transaction
 * when there is one, so a decrypt or encrypt and the state it changes commit together.
 *
 * <p>Peer identities are trusted on first use, and only if the key hashes to the account ID of the
 * address: account IDs are self-certifying, so a key that does not derive to the address's name is
 * never trusted, whichever way it arrives (bundle or PreKey message).
 *
 * <p>Session records, the device list per peer and peer identity keys are cached in memory,
 * decoded, in front of the SQLite rows ({@link TxCache}): written through on store, staged until
 * the enclosing transaction commits and dropped if it rolls back. Only this class writes the {@code
 * sessions} and {@code peer_identities} tables.
 *
 * <p>A session that already has a row is written once per transaction, not once per step: every
 * encrypt and decrypt stores a new record (several KB with the post-quantum ratchet, sealed under
 * the store key), and a batch of 32 messages to one device would otherwise write its row 32 times.
 * {@link #storeSession} puts the record in the cache and marks the row dirty; the last record of
 * each dirty row is written just before the outermost transaction commits ({@link
 * Database.Listener#beforeCommit}), so it commits or rolls back with everything else, and the
 * durability of a commit is unchanged. A new row and a delete go to the file at once, so the one
 * other reader of the table (the device list) sees every row that exists; a row whose newest record
 * waits is cached (staged entries are never evicted), so {@link #loadSession} never reads its stale
 * record from the file.
 *
 * <p>Why one class of a little over 400 lines: it implements libsignal's {@code
 * SignalProtocolStore}, one interface of many small methods, over one cache; prekey tables are
 * already apart in {@code PreKeyTables}.
 */
public final class SignalStore extends PreKeyTables implements SignalProtocolStore {
    private final IdentityKeyPair identityKeyPair;
    private final int registrationId;
    private final TxCache<Device, SessionRecord> sessionCache;
    private final TxCache<String, List<Integer>> deviceCache;
    private final TxCache<String, IdentityKey> identityCache;

    /** Per account ID, the last identity key seen to hash to it (bounded, least recently used). */
    private final Map<String, IdentityKey> hashedKeys =
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, IdentityKey> eldest) {
                    return size() > SESSION_CACHE_SIZE;
                }
            };

    /** Sessions stored in the current transaction whose rows are still to be written. */
    private final Map<Device, SessionRecord> unwritten = new LinkedHashMap<>();

    /**
     * A session's key in memory. Not libsignal's {@link SignalProtocolAddress}: its {@code
     * hashCode} and {@code equals} ask the native library for the name on every call, and the
     * caches look a session up several times per message.
     */
    private record Device(String accountId, int deviceId) {
        static Device of(SignalProtocolAddress address) {
            return new Device(address.getName(), address.getDeviceId());
        }

        String row() {
            return SealedColumns.sessionRow(accountId, deviceId);
        }
    }

    /**
     * A store for the local identity.
     *
     * @throws IllegalStateException if the stored identity key pair does not parse
     */
    public SignalStore(Database db, byte[] identityKeyPair, int registrationId) {
        super(db);
        try {
            this.identityKeyPair = new IdentityKeyPair(identityKeyPair);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("the stored identity key pair is damaged", e);
        }
        this.registrationId = registrationId;
        this.sessionCache = new TxCache<>(db, SESSION_CACHE_SIZE);
        this.deviceCache = new TxCache<>(db, SESSION_CACHE_SIZE);
        this.identityCache = new TxCache<>(db, SESSION_CACHE_SIZE);
        db.addListener(
                new Database.Listener() {
                    @Override
                    public void beforeCommit(Connection c) throws SQLException {
                        writeUnwritten(c);
                    }

                    @Override
                    public void committed() {
                        unwritten.clear();
                    }

                    @Override
                    public void rolledBack() {
                        unwritten.clear();
                    }
                });
    }

    /** Session records (and peers) kept decoded in memory; a 1,000-member group fits. */
    static final int SESSION_CACHE_SIZE = 4096;

    // ---- identities ----

    @Override
    public IdentityKeyPair getIdentityKeyPair() {
        return identityKeyPair;
    }

    @Override
    public int getLocalRegistrationId() {
        return registrationId;
    }

    @Override
    public IdentityChange saveIdentity(SignalProtocolAddress address, IdentityKey identityKey) {
        return db.sqlTransaction(
                c -> {
                    IdentityKey existing = identity(c, address.getName());
                    if (!identityKey.equals(existing)) {
                        identityCache.put(address.getName(), identityKey);
                    }
                    if (existing == null) {
                        try (PreparedStatement ps =
                                c.prepareStatement(
                                        "INSERT INTO peer_identities (account_id, identity_key,"
                                                + " first_seen) VALUES (?, ?,"
                                                + " strftime('%s','now') * 1000)")) {
                            ps.setString(1, address.getName());
                            ps.setBytes(2, identityKey.serialize());
                            ps.executeUpdate();
                        }
                        return IdentityChange.NEW_OR_UNCHANGED;
                    }
                    if (existing.equals(identityKey)) {
                        return IdentityChange.NEW_OR_UNCHANGED;
                    }
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "UPDATE peer_identities SET identity_key = ? WHERE account_id"
                                            + " = ?")) {
                        ps.setBytes(1, identityKey.serialize());
                        ps.setString(2, address.getName());
                        ps.executeUpdate();
                    }
                    return IdentityChange.REPLACED_EXISTING;
                });
    }

    @Override
    public boolean isTrustedIdentity(
            SignalProtocolAddress address, IdentityKey identityKey, Direction direction) {
        String accountId = address.getName();
        if (!hashesTo(identityKey, accountId)) {
            return false;
        }
        IdentityKey existing = db.sqlRead(c -> identity(c, accountId));
        return existing == null || existing.equals(identityKey);
    }

    /**
     * Whether {@code key} hashes to {@code accountId}. libsignal asks on every encrypt and decrypt;
     * the answer for a key is fixed, so the last key that hashed to each account is remembered and
     * only another key is hashed.
     */
    private boolean hashesTo(IdentityKey key, String accountId) {
        synchronized (hashedKeys) {
            if (key.equals(hashedKeys.get(accountId))) {
                return true;
            }
        }
        if (!AccountIds.derive(key.serialize()).equals(accountId)) {
            return false;
        }
        synchronized (hashedKeys) {
            hashedKeys.put(accountId, key);
        }
        return true;
    }

    @Override
    public IdentityKey getIdentity(SignalProtocolAddress address) {
        return db.sqlRead(c -> identity(c, address.getName()));
    }

    private IdentityKey identity(Connection c, String accountId) throws SQLException {
        Optional<IdentityKey> cached = identityCache.get(accountId);
        if (cached != null) {
            return cached.orElse(null);
        }
        byte[] bytes =
                blob(c, "SELECT identity_key FROM peer_identities WHERE account_id = ?", accountId);
        IdentityKey key;
        try {
            key = bytes == null ? null : new IdentityKey(bytes);
        } catch (InvalidKeyException e) {
            throw new SQLException("a stored peer identity key is damaged", e);
        }
        identityCache.put(accountId, key);
        return key;
    }

    // ---- sessions ----

    @Override
    public SessionRecord loadSession(SignalProtocolAddress address) {
        Device device = Device.of(address);
        return db.sqlRead(
                c -> {
                    Optional<SessionRecord> cached = sessionCache.get(device);
                    if (cached != null) {
                        return cached.orElse(null);
                    }
                    byte[] bytes =
                            blob(
                                    c,
                                    "SELECT record FROM sessions WHERE account_id = ? AND"
                                            + " device_id = ?",
                                    device.accountId(),
                                    device.deviceId());
                    SessionRecord record;
                    try {
                        record =
                                bytes == null
                                        ? null
                                        : new SessionRecord(
                                                db.keys()
                                                        .unseal(
                                                                SealedColumns.SESSION,
                                                                device.row(),
                                                                bytes));
                    } catch (InvalidMessageException e) {
                        throw new IllegalStateException("a stored session is damaged", e);
                    }
                    sessionCache.put(device, record);
                    return record;
                });
    }

    @Override
    public List<SessionRecord> loadExistingSessions(List<SignalProtocolAddress> addresses)
            throws NoSessionException {
        List<SessionRecord> out = new ArrayList<>(addresses.size());
        for (SignalProtocolAddress address : addresses) {
            SessionRecord record = loadSession(address);
            if (record == null) {
                throw new NoSessionException("no session for " + address);
            }
            out.add(record);
        }
        return out;
    }

    /** The devices other than device 1 with which a session exists (libsignal's contract). */
    @Override
    public List<Integer> getSubDeviceSessions(String name) {
        List<Integer> devices = new ArrayList<>(sessionDevices(name));
        devices.remove(Integer.valueOf(1));
        return devices;
    }

    /** Every device of {@code accountId} with a stored session, ascending. */
    public List<Integer> sessionDevices(String accountId) {
        return db.sqlRead(
                c -> {
                    Optional<List<Integer>> cached = deviceCache.get(accountId);
                    if (cached != null) {
                        return cached.get();
                    }
                    List<Integer> devices = new ArrayList<>();
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT device_id FROM sessions WHERE account_id = ? ORDER BY"
                                            + " device_id")) {
                        ps.setString(1, accountId);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                devices.add(rs.getInt(1));
                            }
                        }
                    }
                    List<Integer> immutable = List.copyOf(devices);
                    deviceCache.put(accountId, immutable);
                    return immutable;
                });
    }

    /**
     * Stores {@code record} in the cache at once and in the file by the end of the outermost
     * transaction: at once if the row is new (or not known to exist), else once, just before the
     * commit, with the last record stored for it (see the class comment).
     */
    @Override
    public void storeSession(SignalProtocolAddress address, SessionRecord record) {
        Device device = Device.of(address);
        db.sqlTransaction(
                c -> {
                    Optional<SessionRecord> before = sessionCache.get(device);
                    sessionCache.put(device, record);
                    if (before != null && before.isPresent()) {
                        // the row exists (in the file or written earlier in this transaction)
                        unwritten.put(device, record);
                        return null;
                    }
                    write(c, device, record);
                    // possibly a new device of this peer
                    deviceCache.forget(device.accountId());
                    return null;
                });
    }

    private void write(Connection c, Device device, SessionRecord record) throws SQLException {
        Sql.execute(
                c,
                "INSERT OR REPLACE INTO sessions (account_id, device_id, record) VALUES (?, ?, ?)",
                device.accountId(),
                device.deviceId(),
                db.keys().seal(SealedColumns.SESSION, device.row(), record.serialize()));
    }

    /** Writes the last record of every session stored since the transaction began. */
    private void writeUnwritten(Connection c) throws SQLException {
        for (Map.Entry<Device, SessionRecord> e : unwritten.entrySet()) {
            write(c, e.getKey(), e.getValue());
        }
        unwritten.clear();
    }

    @Override
    public boolean containsSession(SignalProtocolAddress address) {
        SessionRecord record = loadSession(address);
        return record != null && record.hasSenderChain();
    }

    @Override
    public void deleteSession(SignalProtocolAddress address) {
        db.sqlTransaction(
                c -> {
                    Device device = Device.of(address);
                    unwritten.remove(device);
                    Sql.execute(
                            c,
                            "DELETE FROM sessions WHERE account_id = ? AND device_id = ?",
                            address.getName(),
                            address.getDeviceId());
                    sessionCache.put(device, null);
                    deviceCache.forget(address.getName());
                    return null;
                });
    }

    @Override
    public void deleteAllSessions(String name) {
        db.sqlTransaction(
                c -> {
                    unwritten.keySet().removeIf(d -> d.accountId().equals(name));
                    Sql.execute(c, "DELETE FROM sessions WHERE account_id = ?", name);
                    sessionCache.forgetAll(d -> d.accountId().equals(name));
                    deviceCache.forget(name);
                    return null;
                });
    }

    // ---- sender keys (groups: a later version) ----

    @Override
    public void storeSenderKey(
            SignalProtocolAddress sender, UUID distributionId, SenderKeyRecord record) {
        update(
                "INSERT OR REPLACE INTO sender_keys (account_id, device_id, distribution_id,"
                        + " record) VALUES (?, ?, ?, ?)",
                sender.getName(),
                sender.getDeviceId(),
                distributionId.toString(),
                db.keys()
                        .seal(
                                SealedColumns.SENDER_KEY,
                                SealedColumns.senderKeyRow(
                                        sender.getName(),
                                        sender.getDeviceId(),
                                        distributionId.toString()),
                                record.serialize()));
    }

    @Override
    public SenderKeyRecord loadSenderKey(SignalProtocolAddress sender, UUID distributionId) {
        byte[] record =
                db.sqlRead(
                        c ->
                                blob(
                                        c,
                                        "SELECT record FROM sender_keys WHERE account_id = ? AND"
                                                + " device_id = ? AND distribution_id = ?",
                                        sender.getName(),
                                        sender.getDeviceId(),
                                        distributionId.toString()));
        if (record == null) {
            return null;
        }
        try {
            return new SenderKeyRecord(
                    db.keys()
                            .unseal(
                                    SealedColumns.SENDER_KEY,
                                    SealedColumns.senderKeyRow(
                                            sender.getName(),
                                            sender.getDeviceId(),
                                            distributionId.toString()),
                                    record));
        } catch (InvalidMessageException e) {
            throw new IllegalStateException("a stored sender key is damaged", e);
        }
    }
}
