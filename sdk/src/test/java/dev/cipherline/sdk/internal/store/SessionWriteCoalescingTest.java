package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.crypto.BundleVerifier;
import dev.cipherline.crypto.CryptoException;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.keys.WireKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.SessionRecord;

/**
 * {@link SignalStore} writes an existing session's row once per transaction, with its last record,
 * just before the commit; what the file and the cache hold after a commit, a rollback or a failed
 * commit. "The file" is read by a second {@link SignalStore} over the same {@link Database}, whose
 * caches start empty.
 */
class SessionWriteCoalescingTest {
    @TempDir Path dir;

    private TestDevice alice;
    private TestDevice bob;
    private SignalProtocolAddress bobAddress;
    private SignalProtocolAddress aliceAddress;

    @BeforeEach
    void establish() throws Exception {
        alice = new TestDevice(dir.resolve("alice"));
        bob = new TestDevice(dir.resolve("bob"));
        alice.startSession(bob, bob.publish(1, 2, false));
        bobAddress = new SignalProtocolAddress(bob.accountId, 1);
        aliceAddress = new SignalProtocolAddress(alice.accountId, 1);
        bob.crypto.decrypt(alice.accountId, 1, alice.crypto.encrypt(bob.accountId, 1, bytes("hi")));
    }

    @AfterEach
    void close() {
        alice.close();
        bob.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] serialized(SessionRecord r) {
        return r == null ? null : r.serialize();
    }

    private static SessionRecord inFile(TestDevice device, SignalProtocolAddress address) {
        return new SignalStore(device.db, device.identity.serialize(), 4242).loadSession(address);
    }

    /** Rows inserted, updated or deleted on the connection so far. */
    private static long changes(Database db) {
        return db.sqlRead(c -> Sql.number(c, "SELECT total_changes()"));
    }

    private byte[] encrypt(String text) {
        try {
            return alice.crypto.encrypt(bob.accountId, 1, bytes(text));
        } catch (CryptoException e) {
            throw new AssertionError(e);
        }
    }

    private byte[] decrypt(byte[] ciphertext) {
        try {
            return bob.crypto.decrypt(alice.accountId, 1, ciphertext);
        } catch (CryptoException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sixteenStepsInOneTransactionWriteTheRowOnceWithTheLastRecord() {
        long before = changes(alice.db);
        List<byte[]> sent =
                alice.db.sqlTransaction(
                        c -> {
                            List<byte[]> out = new java.util.ArrayList<>();
                            for (int i = 0; i < 16; i++) {
                                out.add(encrypt("m" + i));
                            }
                            return out;
                        });
        assertEquals(1, changes(alice.db) - before, "one write of Bob's session row");
        assertArrayEquals(
                serialized(alice.store.loadSession(bobAddress)),
                serialized(inFile(alice, bobAddress)));

        long received = changes(bob.db);
        bob.db.sqlTransaction(
                c -> {
                    for (int i = 0; i < sent.size(); i++) {
                        assertArrayEquals(bytes("m" + i), decrypt(sent.get(i)));
                    }
                    return null;
                });
        assertEquals(1, changes(bob.db) - received, "one write of Alice's session row");
        assertArrayEquals(
                serialized(bob.store.loadSession(aliceAddress)),
                serialized(inFile(bob, aliceAddress)));
    }

    @Test
    void aStepOutsideATransactionIsInTheFileWhenItReturns() {
        encrypt("alone");
        assertArrayEquals(
                serialized(alice.store.loadSession(bobAddress)),
                serialized(inFile(alice, bobAddress)));
    }

    @Test
    void aRolledBackBatchOfStepsLeavesCacheAndFileAtTheCommittedRecord() {
        byte[] committed = serialized(alice.store.loadSession(bobAddress));
        assertThrows(
                IllegalStateException.class,
                () ->
                        alice.db.sqlTransaction(
                                c -> {
                                    for (int i = 0; i < 5; i++) {
                                        encrypt("lost " + i);
                                    }
                                    throw new IllegalStateException("rolled back");
                                }));
        assertArrayEquals(committed, serialized(alice.store.loadSession(bobAddress)));
        assertArrayEquals(committed, serialized(inFile(alice, bobAddress)));
        // nothing of the rolled-back transaction is written by a later one either
        byte[] next = encrypt("next");
        assertArrayEquals(
                serialized(alice.store.loadSession(bobAddress)),
                serialized(inFile(alice, bobAddress)));
        assertArrayEquals(bytes("next"), decrypt(next));
    }

    @Test
    void aCommitThatFailsAfterTheDeferredWriteLeavesCacheAndFileAtTheCommittedRecord() {
        byte[] committed = serialized(alice.store.loadSession(bobAddress));
        byte[] row = sealedRow(alice.db);
        FailingCommit failing = new FailingCommit();
        alice.db.addListener(failing); // after the store's listener: the deferred write ran
        failing.armed = true;
        ChatException e =
                assertThrows(
                        ChatException.class,
                        () ->
                                alice.db.sqlTransaction(
                                        c -> {
                                            encrypt("lost 1");
                                            encrypt("lost 2");
                                            return null;
                                        }));
        assertEquals(ChatException.Reason.STORE_FAILURE, e.reason());
        assertFalse(
                java.util.Arrays.equals(row, failing.rowBeforeCommit),
                "the deferred write was issued before the failing commit");
        failing.armed = false;
        assertArrayEquals(row, sealedRow(alice.db));
        assertArrayEquals(committed, serialized(alice.store.loadSession(bobAddress)));
        assertArrayEquals(committed, serialized(inFile(alice, bobAddress)));
        // the session continues from the committed record: Bob reads the next message
        byte[] next = encrypt("after");
        assertArrayEquals(bytes("after"), decrypt(next));
    }

    @Test
    void aNewSessionIsWrittenAtOnceAndItsLaterStepsBeforeTheCommit() throws Exception {
        TestDevice carol = new TestDevice(dir.resolve("carol"));
        try {
            SignalProtocolAddress carolAddress = new SignalProtocolAddress(carol.accountId, 1);
            var bundle =
                    BundleVerifier.verify(
                            carol.accountId, WireKeys.bundleKeys(carol.publish(1, 2, false)));
            alice.db.sqlTransaction(
                    c -> {
                        try {
                            alice.crypto.startSession(carol.accountId, 1, bundle);
                            // the new row is in the file already: the device list reads it there
                            assertEquals(List.of(1), alice.store.sessionDevices(carol.accountId));
                            for (int i = 0; i < 3; i++) {
                                alice.crypto.encrypt(carol.accountId, 1, bytes("c" + i));
                            }
                        } catch (CryptoException ex) {
                            throw new AssertionError(ex);
                        }
                        return null;
                    });
            assertArrayEquals(
                    serialized(alice.store.loadSession(carolAddress)),
                    serialized(inFile(alice, carolAddress)));
            assertEquals(
                    List.of(1),
                    new SignalStore(alice.db, alice.identity.serialize(), 4242)
                            .sessionDevices(carol.accountId));
        } finally {
            carol.close();
        }
    }

    @Test
    void aSessionDeletedAfterItsStepsInTheSameTransactionStaysDeleted() {
        alice.db.sqlTransaction(
                c -> {
                    encrypt("one");
                    encrypt("two");
                    alice.store.deleteSession(bobAddress);
                    return null;
                });
        assertNull(alice.store.loadSession(bobAddress));
        assertNull(inFile(alice, bobAddress));
        assertFalse(alice.store.containsSession(bobAddress));
    }

    @Test
    void allSessionsOfAPeerDeletedAfterTheirStepsInTheSameTransactionStayDeleted() {
        alice.db.sqlTransaction(
                c -> {
                    encrypt("one");
                    alice.store.deleteAllSessions(bob.accountId);
                    return null;
                });
        assertNull(alice.store.loadSession(bobAddress));
        assertNull(inFile(alice, bobAddress));
        assertEquals(List.of(), alice.store.sessionDevices(bob.accountId));
    }

    /** Alice's row for Bob's session as stored (sealed). */
    private byte[] sealedRow(Database db) {
        return db.sqlRead(c -> sealedRow(c, bob.accountId));
    }

    private static byte[] sealedRow(Connection c, String peer) throws SQLException {
        return Sql.blob(
                c, "SELECT record FROM sessions WHERE account_id = ? AND device_id = 1", peer);
    }

    /**
     * Fails the commit of every transaction while armed, after the store's deferred writes, and
     * keeps what the row held at that moment.
     */
    private final class FailingCommit implements Database.Listener {
        boolean armed;
        byte[] rowBeforeCommit;

        @Override
        public void beforeCommit(Connection connection) throws SQLException {
            if (armed) {
                rowBeforeCommit = sealedRow(connection, bob.accountId);
                throw new SQLException("disk full");
            }
        }

        @Override
        public void committed() {}

        @Override
        public void rolledBack() {}
    }
}
