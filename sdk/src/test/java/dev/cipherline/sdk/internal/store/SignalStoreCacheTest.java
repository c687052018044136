package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.Identity;
import dev.cipherline.sdk.internal.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.SessionRecord;

/**
 * The in-memory caches of {@link SignalStore} against the SQLite file: written through on commit,
 * never ahead of the file after a rollback. "The file" is read by a second {@link SignalStore} over
 * the same {@link Database}, whose caches start empty.
 */
class SignalStoreCacheTest {
    @TempDir Path dir;

    private TestDevice alice;
    private TestDevice bob;
    private SignalProtocolAddress bobAddress;

    @BeforeEach
    void establish() throws Exception {
        alice = new TestDevice(dir.resolve("alice"));
        bob = new TestDevice(dir.resolve("bob"));
        alice.startSession(bob, bob.publish(1, 2, false));
        bobAddress = new SignalProtocolAddress(bob.accountId, 1);
        byte[] hello = alice.crypto.encrypt(bob.accountId, 1, bytes("hello"));
        bob.crypto.decrypt(alice.accountId, 1, hello);
    }

    @AfterEach
    void close() {
        alice.close();
        bob.close();
    }

    private SignalStore fileView(TestDevice device) {
        return new SignalStore(device.db, device.identity.serialize(), 4242);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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

    private static byte[] serialized(SessionRecord r) {
        return r == null ? null : r.serialize();
    }

    @Test
    void aCommittedEncryptIsWrittenThroughAndServedFromTheCache() throws Exception {
        SessionRecord before = alice.store.loadSession(bobAddress);
        alice.db.sqlTransaction(c -> encrypt("one"));
        SessionRecord cached = alice.store.loadSession(bobAddress);
        assertTrue(cached != before, "the ratchet step replaced the cached record");
        assertArrayEquals(serialized(fileView(alice).loadSession(bobAddress)), serialized(cached));
        // served from memory: the same decoded object again
        assertTrue(cached == alice.store.loadSession(bobAddress));
    }

    @Test
    void aRolledBackEncryptLeavesTheCacheWhereTheFileIs() throws Exception {
        byte[] committed = serialized(alice.store.loadSession(bobAddress));
        IllegalStateException boom =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                alice.db.sqlTransaction(
                                        c -> {
                                            encrypt("lost");
                                            // inside: the transaction sees its own step
                                            assertTrue(
                                                    !java.util.Arrays.equals(
                                                            committed,
                                                            serialized(
                                                                    alice.store.loadSession(
                                                                            bobAddress))));
                                            throw new IllegalStateException("rolled back");
                                        }));
        assertEquals("rolled back", boom.getMessage());
        assertArrayEquals(committed, serialized(alice.store.loadSession(bobAddress)));
        assertArrayEquals(committed, serialized(fileView(alice).loadSession(bobAddress)));

        // and the session still works from the committed state: Bob decrypts the next message
        byte[] next = alice.crypto.encrypt(bob.accountId, 1, bytes("after"));
        assertArrayEquals(bytes("after"), bob.crypto.decrypt(alice.accountId, 1, next));
    }

    @Test
    void aRolledBackDecryptDoesNotConsumeTheMessage() throws Exception {
        byte[] ciphertext = alice.crypto.encrypt(bob.accountId, 1, bytes("again"));
        SignalProtocolAddress aliceAddress = new SignalProtocolAddress(alice.accountId, 1);
        byte[] committed = serialized(bob.store.loadSession(aliceAddress));
        assertThrows(
                IllegalStateException.class,
                () ->
                        bob.db.sqlTransaction(
                                c -> {
                                    decrypt(ciphertext);
                                    throw new IllegalStateException("store failed");
                                }));
        assertArrayEquals(committed, serialized(bob.store.loadSession(aliceAddress)));
        // had the cache kept the step, this would be a duplicate and fail
        assertArrayEquals(bytes("again"), bob.crypto.decrypt(alice.accountId, 1, ciphertext));
    }

    @Test
    void rolledBackDeletesAndNewDevicesDoNotReachTheCache() {
        SessionRecord record = alice.store.loadSession(bobAddress);
        SignalProtocolAddress second = new SignalProtocolAddress(bob.accountId, 2);
        assertEquals(List.of(1), alice.store.sessionDevices(bob.accountId));
        assertThrows(
                IllegalStateException.class,
                () ->
                        alice.db.sqlTransaction(
                                c -> {
                                    alice.store.deleteSession(bobAddress);
                                    alice.store.storeSession(second, record);
                                    assertNull(alice.store.loadSession(bobAddress));
                                    assertEquals(
                                            List.of(2), alice.store.sessionDevices(bob.accountId));
                                    throw new IllegalStateException("rolled back");
                                }));
        assertNotNull(alice.store.loadSession(bobAddress));
        assertNull(alice.store.loadSession(second));
        assertEquals(List.of(1), alice.store.sessionDevices(bob.accountId));
        assertEquals(List.of(1), fileView(alice).sessionDevices(bob.accountId));

        // committed: both caches follow
        alice.store.storeSession(second, record);
        assertEquals(List.of(1, 2), alice.store.sessionDevices(bob.accountId));
        alice.store.deleteAllSessions(bob.accountId);
        assertNull(alice.store.loadSession(bobAddress));
        assertNull(alice.store.loadSession(second));
        assertEquals(List.of(), alice.store.sessionDevices(bob.accountId));
        assertNull(fileView(alice).loadSession(bobAddress));
    }

    @Test
    void aRolledBackIdentityIsForgotten() {
        Identity peer = Identity.generate();
        IdentityKey key = peer.keyPair().getPublicKey();
        SignalProtocolAddress address = new SignalProtocolAddress(peer.accountId(), 1);
        assertNull(alice.store.getIdentity(address)); // "known absent" is cached now
        assertThrows(
                IllegalStateException.class,
                () ->
                        alice.db.sqlTransaction(
                                c -> {
                                    alice.store.saveIdentity(address, key);
                                    assertEquals(key, alice.store.getIdentity(address));
                                    throw new IllegalStateException("rolled back");
                                }));
        assertNull(alice.store.getIdentity(address));
        alice.store.saveIdentity(address, key);
        assertEquals(key, alice.store.getIdentity(address));
        assertEquals(key, fileView(alice).getIdentity(address));
    }

    @Test
    void evictedEntriesAreReadBackFromTheFile() {
        SessionRecord record = alice.store.loadSession(bobAddress);
        alice.db.sqlTransaction(
                c -> {
                    for (int i = 0; i < SignalStore.SESSION_CACHE_SIZE + 100; i++) {
                        alice.store.storeSession(new SignalProtocolAddress("peer" + i, 1), record);
                    }
                    return null;
                });
        // Bob's record was the least recently used one: evicted, then read back from the file
        assertArrayEquals(serialized(record), serialized(alice.store.loadSession(bobAddress)));
        assertArrayEquals(
                serialized(record),
                serialized(alice.store.loadSession(new SignalProtocolAddress("peer0", 1))));
        assertEquals(List.of(1), alice.store.sessionDevices("peer0"));
    }
}
