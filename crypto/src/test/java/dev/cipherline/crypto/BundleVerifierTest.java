package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.signal.libsignal.protocol.state.PreKeyBundle;

class BundleVerifierTest {
    private static TestDevice bob;
    private static BundleKeys genuine;

    @BeforeAll
    static void createDevice() throws Exception {
        bob = new TestDevice(3, 4242);
        genuine = bob.bundleKeys();
    }

    @Test
    void acceptsAGenuineBundle() throws Exception {
        PreKeyBundle bundle = BundleVerifier.verify(bob.accountId(), genuine);
        assertEquals(3, bundle.getDeviceId());
        assertEquals(4242, bundle.getRegistrationId());
        assertArrayEquals(bob.identity.publicKey(), bundle.getIdentityKey().serialize());
        assertEquals(bob.signedPreKey.getId(), bundle.getSignedPreKeyId());
        assertEquals(bob.kyberPreKey.getId(), bundle.getKyberPreKeyId());
        assertEquals(bob.oneTimePreKey.getId(), bundle.getPreKeyId());
    }

    @Test
    void acceptsABundleWithoutOneTimePreKey() throws Exception {
        PreKeyBundle bundle =
                BundleVerifier.verify(bob.accountId(), withOneTime(genuine, -1, null));
        assertEquals(PreKeyBundle.NULL_PRE_KEY_ID, bundle.getPreKeyId());
    }

    @Test
    void rejectsASubstitutedIdentityKey() throws Exception {
        // A relay swaps in its own identity and re-signs the prekeys: signatures are valid, but the
        // identity no longer hashes to the account ID that was asked for.
        TestDevice mallory = new TestDevice(3, 4242);
        assertReason(
                CryptoException.Reason.IDENTITY_MISMATCH,
                () -> BundleVerifier.verify(bob.accountId(), mallory.bundleKeys()));
    }

    @Test
    void rejectsABadSignedPreKeySignature() {
        byte[] signature = genuine.signedPreKeySignature();
        signature[10] ^= 1;
        BundleKeys tampered =
                new BundleKeys(
                        genuine.deviceId(),
                        genuine.registrationId(),
                        genuine.identityKey(),
                        genuine.signedPreKeyId(),
                        genuine.signedPreKey(),
                        signature,
                        genuine.kyberPreKeyId(),
                        genuine.kyberPreKey(),
                        genuine.kyberPreKeySignature(),
                        genuine.oneTimePreKeyId(),
                        genuine.oneTimePreKey());
        assertReason(
                CryptoException.Reason.BAD_SIGNATURE,
                () -> BundleVerifier.verify(bob.accountId(), tampered));
    }

    @Test
    void rejectsASubstitutedSignedPreKey() throws Exception {
        byte[] otherKey = new TestDevice(3, 1).signedPreKey.getKeyPair().getPublicKey().serialize();
        BundleKeys tampered =
                new BundleKeys(
                        genuine.deviceId(),
                        genuine.registrationId(),
                        genuine.identityKey(),
                        genuine.signedPreKeyId(),
                        otherKey,
                        genuine.signedPreKeySignature(),
                        genuine.kyberPreKeyId(),
                        genuine.kyberPreKey(),
                        genuine.kyberPreKeySignature(),
                        genuine.oneTimePreKeyId(),
                        genuine.oneTimePreKey());
        assertReason(
                CryptoException.Reason.BAD_SIGNATURE,
                () -> BundleVerifier.verify(bob.accountId(), tampered));
    }

    @Test
    void rejectsABadKyberSignature() {
        byte[] signature = genuine.kyberPreKeySignature();
        signature[20] ^= 1;
        assertReason(
                CryptoException.Reason.BAD_SIGNATURE,
                () ->
                        BundleVerifier.verify(
                                bob.accountId(), withKyber(genuine.kyberPreKey(), signature)));
    }

    @Test
    void rejectsGarbageKeys() {
        byte[] garbageEc = new byte[33];
        garbageEc[0] = 0x42;
        assertReason(
                CryptoException.Reason.MALFORMED,
                () ->
                        BundleVerifier.verify(
                                bob.accountId(), withOneTime(genuine, 11, new byte[5])));
        assertReason(
                CryptoException.Reason.MALFORMED,
                () -> BundleVerifier.verify(bob.accountId(), withOneTime(genuine, 11, garbageEc)));
        assertReason(
                CryptoException.Reason.MALFORMED,
                () ->
                        BundleVerifier.verify(
                                bob.accountId(),
                                withKyber(new byte[100], genuine.kyberPreKeySignature())));
        assertReason(
                CryptoException.Reason.MALFORMED,
                () ->
                        BundleVerifier.verify(
                                bob.accountId(), withKyber(null, genuine.kyberPreKeySignature())));
        assertReason(
                CryptoException.Reason.MALFORMED,
                () -> BundleVerifier.verify(bob.accountId(), withIdentity(garbageEc)));
        assertReason(
                CryptoException.Reason.MALFORMED,
                () -> BundleVerifier.verify(bob.accountId(), withIdentity(new byte[0])));
    }

    @Test
    void rejectsInconsistentOneTimePreKeyAndBadIds() {
        assertReason(
                CryptoException.Reason.MALFORMED,
                () -> BundleVerifier.verify(bob.accountId(), withOneTime(genuine, 11, null)));
        BundleKeys badDevice =
                new BundleKeys(
                        SessionCrypto.MAX_DEVICE_ID + 1,
                        genuine.registrationId(),
                        genuine.identityKey(),
                        genuine.signedPreKeyId(),
                        genuine.signedPreKey(),
                        genuine.signedPreKeySignature(),
                        genuine.kyberPreKeyId(),
                        genuine.kyberPreKey(),
                        genuine.kyberPreKeySignature(),
                        genuine.oneTimePreKeyId(),
                        genuine.oneTimePreKey());
        assertReason(
                CryptoException.Reason.MALFORMED,
                () -> BundleVerifier.verify(bob.accountId(), badDevice));
    }

    @Test
    void bundleKeysCopiesItsArrays() {
        byte[] identityKey = genuine.identityKey();
        identityKey[1] ^= 1;
        assertArrayEquals(bob.identity.publicKey(), genuine.identityKey());
        assertEquals(
                genuine, withOneTime(genuine, genuine.oneTimePreKeyId(), genuine.oneTimePreKey()));
    }

    private static BundleKeys withOneTime(BundleKeys k, int id, byte[] key) {
        return new BundleKeys(
                k.deviceId(),
                k.registrationId(),
                k.identityKey(),
                k.signedPreKeyId(),
                k.signedPreKey(),
                k.signedPreKeySignature(),
                k.kyberPreKeyId(),
                k.kyberPreKey(),
                k.kyberPreKeySignature(),
                id,
                key);
    }

    private static BundleKeys withKyber(byte[] key, byte[] signature) {
        return new BundleKeys(
                genuine.deviceId(),
                genuine.registrationId(),
                genuine.identityKey(),
                genuine.signedPreKeyId(),
                genuine.signedPreKey(),
                genuine.signedPreKeySignature(),
                genuine.kyberPreKeyId(),
                key,
                signature,
                genuine.oneTimePreKeyId(),
                genuine.oneTimePreKey());
    }

    private static BundleKeys withIdentity(byte[] identityKey) {
        return new BundleKeys(
                genuine.deviceId(),
                genuine.registrationId(),
                identityKey,
                genuine.signedPreKeyId(),
                genuine.signedPreKey(),
                genuine.signedPreKeySignature(),
                genuine.kyberPreKeyId(),
                genuine.kyberPreKey(),
                genuine.kyberPreKeySignature(),
                genuine.oneTimePreKeyId(),
                genuine.oneTimePreKey());
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertReason(CryptoException.Reason expected, Call call) {
        CryptoException e = assertThrows(CryptoException.class, call::run);
        assertEquals(expected, e.reason(), e.getMessage());
    }
}
