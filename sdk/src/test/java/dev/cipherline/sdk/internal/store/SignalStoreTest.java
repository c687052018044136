package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.Identity;
import dev.cipherline.sdk.internal.TestDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.ReusedBaseKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.state.IdentityKeyStore;

class SignalStoreTest {
    @TempDir Path dir;

    @Test
    void peerIdentitiesAreTrustedOnFirstUseAndAChangeIsDetected() {
        try (TestDevice me = new TestDevice(dir.resolve("me"))) {
            Identity peer = Identity.generate();
            IdentityKey key = peer.keyPair().getPublicKey();
            IdentityKey other = Identity.generate().keyPair().getPublicKey();
            SignalProtocolAddress address = new SignalProtocolAddress(peer.accountId(), 1);

            assertNull(me.store.getIdentity(address));
            assertTrue(
                    me.store.isTrustedIdentity(address, key, IdentityKeyStore.Direction.SENDING));
            assertEquals(
                    IdentityKeyStore.IdentityChange.NEW_OR_UNCHANGED,
                    me.store.saveIdentity(address, key));
            assertEquals(
                    IdentityKeyStore.IdentityChange.NEW_OR_UNCHANGED,
                    me.store.saveIdentity(address, key));
            assertEquals(key, me.store.getIdentity(address));
            assertTrue(
                    me.store.isTrustedIdentity(address, key, IdentityKeyStore.Direction.RECEIVING));

            // another key for the same account is never trusted: it changed, and it does not
            // hash to the account ID either
            assertFalse(
                    me.store.isTrustedIdentity(address, other, IdentityKeyStore.Direction.SENDING));
            assertEquals(
                    IdentityKeyStore.IdentityChange.REPLACED_EXISTING,
                    me.store.saveIdentity(address, other));
        }
    }

    @Test
    void aKeyRememberedAsHashingToItsAccountVouchesForNoOtherKeyOrAccount() {
        try (TestDevice me = new TestDevice(dir.resolve("me"))) {
            Identity peer = Identity.generate();
            IdentityKey key = peer.keyPair().getPublicKey();
            IdentityKey impostor = Identity.generate().keyPair().getPublicKey();
            SignalProtocolAddress address = new SignalProtocolAddress(peer.accountId(), 1);
            IdentityKeyStore.Direction sending = IdentityKeyStore.Direction.SENDING;

            assertTrue(me.store.isTrustedIdentity(address, key, sending));
            assertTrue(me.store.isTrustedIdentity(address, key, sending)); // remembered
            for (int i = 0; i < 2; i++) {
                assertFalse(me.store.isTrustedIdentity(address, impostor, sending));
            }
            assertTrue(me.store.isTrustedIdentity(address, key, sending));
            // the remembered key under another account's address does not hash to it
            SignalProtocolAddress elsewhere =
                    new SignalProtocolAddress(Identity.generate().accountId(), 1);
            assertFalse(me.store.isTrustedIdentity(elsewhere, key, sending));
            // and a key that hashes to its account is still refused once another one is stored
            me.store.saveIdentity(address, impostor);
            assertFalse(me.store.isTrustedIdentity(address, key, sending));
        }
    }

    @Test
    void aKeyThatDoesNotHashToTheAccountIdIsNeverTrusted() {
        try (TestDevice me = new TestDevice(dir.resolve("me"))) {
            String someoneElse = Identity.generate().accountId();
            IdentityKey impostor = Identity.generate().keyPair().getPublicKey();
            assertFalse(
                    me.store.isTrustedIdentity(
                            new SignalProtocolAddress(someoneElse, 1),
                            impostor,
                            IdentityKeyStore.Direction.SENDING));
        }
    }

    @Test
    void aSessionUsesUpOneTimePreKeysAndKeepsTheLastResortKyberPreKey() throws Exception {
        try (TestDevice alice = new TestDevice(dir.resolve("alice"));
                TestDevice bob = new TestDevice(dir.resolve("bob"));
                TestDevice carol = new TestDevice(dir.resolve("carol"))) {
            // alice gets a one-time EC and one-time Kyber prekey
            alice.startSession(bob, bob.publish(7, 8, false));
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            byte[] first = alice.crypto.encrypt(bob.accountId, 1, hello);
            assertArrayEquals(hello, bob.crypto.decrypt(alice.accountId, 1, first));
            assertFalse(bob.store.containsPreKey(7));
            assertFalse(bob.store.containsKyberPreKey(8));
            assertTrue(bob.store.containsSignedPreKey(1));
            assertTrue(bob.store.containsSession(new SignalProtocolAddress(alice.accountId, 1)));

            // carol gets no one-time EC prekey and the last-resort Kyber prekey
            carol.startSession(bob, bob.publish(-1, 9, true));
            byte[] fromCarol = carol.crypto.encrypt(bob.accountId, 1, hello);
            assertArrayEquals(hello, bob.crypto.decrypt(carol.accountId, 1, fromCarol));
            assertTrue(bob.store.containsKyberPreKey(9));
        }
    }

    @Test
    void aLastResortKyberPreKeyRefusesTheSameBaseKeyTwice() throws Exception {
        try (TestDevice bob = new TestDevice(dir.resolve("bob"))) {
            bob.publish(-1, 5, true);
            var baseKey = ECKeyPair.generate().getPublicKey();
            bob.store.markKyberPreKeyUsed(5, 1, baseKey);
            assertThrows(
                    ReusedBaseKeyException.class,
                    () -> bob.store.markKyberPreKeyUsed(5, 1, baseKey));
            bob.store.markKyberPreKeyUsed(5, 1, ECKeyPair.generate().getPublicKey());
            assertTrue(bob.store.containsKyberPreKey(5));
        }
    }

    @Test
    void sessionDevicesListEveryDeviceAndDeletedSessionsAreGone() throws Exception {
        Path bobHome = dir.resolve("bob");
        try (TestDevice alice = new TestDevice(dir.resolve("alice"));
                TestDevice bob = new TestDevice(bobHome)) {
            alice.startSession(bob, bob.publish(1, 2, false));
            assertEquals(java.util.List.of(1), alice.store.sessionDevices(bob.accountId));
            assertEquals(java.util.List.of(), alice.store.getSubDeviceSessions(bob.accountId));
            alice.store.deleteSession(new SignalProtocolAddress(bob.accountId, 1));
            assertEquals(java.util.List.of(), alice.store.sessionDevices(bob.accountId));
        }
    }
}
