package dev.cipherline.crypto;

import static dev.cipherline.crypto.BundleVerifierTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionCryptoTest {
    private TestDevice alice;
    private TestDevice bob;

    @BeforeEach
    void createDevices() throws Exception {
        alice = new TestDevice(1, 1111);
        bob = new TestDevice(2, 2222);
        alice.crypto.startSession(
                bob.accountId(),
                bob.deviceId,
                BundleVerifier.verify(bob.accountId(), bob.bundleKeys()));
    }

    @Test
    void firstMessageIsAPreKeyMessageThatDecrypts() throws Exception {
        assertTrue(alice.crypto.hasSession(bob.accountId(), bob.deviceId));
        assertFalse(bob.crypto.hasSession(alice.accountId(), alice.deviceId));

        byte[] ciphertext = aliceToBob("hello bob");
        assertEquals(SessionCrypto.CIPHERTEXT_VERSION, ciphertext[0]);
        assertEquals(0x03, ciphertext[1]);
        assertEquals("hello bob", bobDecrypts(ciphertext));
        assertTrue(bob.crypto.hasSession(alice.accountId(), alice.deviceId));
        assertFalse(bob.store.containsPreKey(bob.oneTimePreKey.getId()), "one-time prekey used");
    }

    @Test
    void manyMessagesInBothDirections() throws Exception {
        assertEquals("hello", bobDecrypts(aliceToBob("hello")));
        byte[] reply = bobToAlice("hi alice");
        assertEquals(0x02, reply[1]);
        assertEquals("hi alice", aliceDecrypts(reply));
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 3; i++) {
                String text = "a" + round + "." + i;
                byte[] c = aliceToBob(text);
                assertEquals(0x02, c[1]);
                assertEquals(text, bobDecrypts(c));
            }
            String text = "b" + round;
            assertEquals(text, aliceDecrypts(bobToAlice(text)));
        }
    }

    /**
     * Our sessions run libsignal's post-quantum ratchet (SPQR) beside the Double Ratchet: the
     * session is version 4 (PQXDH: X25519 with a Kyber-1024 prekey) from its first message, and the
     * messages of a conversation carry SPQR's ratchet data (its ML-KEM-768 chunks), which a session
     * without it would leave empty.
     */
    @Test
    void sessionsArePqxdhAndRunThePostQuantumRatchet() throws Exception {
        byte[] first = aliceToBob("hello");
        assertEquals(0x03, first[1]);
        org.signal.libsignal.protocol.message.PreKeySignalMessage prekey =
                new org.signal.libsignal.protocol.message.PreKeySignalMessage(body(first));
        assertEquals(4, prekey.getMessageVersion(), "PQXDH");
        assertEquals("hello", bobDecrypts(first));

        int withPqData = 0;
        int messages = 0;
        for (int round = 0; round < 10; round++) {
            byte[] fromBob = bobToAlice("b" + round);
            withPqData += pqData(fromBob);
            assertEquals("b" + round, aliceDecrypts(fromBob));
            byte[] fromAlice = aliceToBob("a" + round);
            withPqData += pqData(fromAlice);
            assertEquals("a" + round, bobDecrypts(fromAlice));
            messages += 2;
        }
        assertTrue(
                withPqData * 2 > messages,
                "SPQR data in " + withPqData + " of " + messages + " messages");
    }

    /** 1 if the Double Ratchet message {@code ciphertext} carries SPQR data, else 0. */
    private static int pqData(byte[] ciphertext) throws Exception {
        assertEquals(0x02, ciphertext[1]);
        org.signal.libsignal.protocol.message.SignalMessage m =
                new org.signal.libsignal.protocol.message.SignalMessage(body(ciphertext));
        assertEquals(4, m.getMessageVersion());
        byte[] pq = m.getPqRatchet();
        return pq != null && pq.length > 0 ? 1 : 0;
    }

    /** The libsignal message inside one of our ciphertexts (after version and type). */
    private static byte[] body(byte[] ciphertext) {
        return java.util.Arrays.copyOfRange(ciphertext, 2, ciphertext.length);
    }

    @Test
    void outOfOrderMessagesDecrypt() throws Exception {
        bobDecrypts(aliceToBob("hello"));
        aliceDecrypts(bobToAlice("hi"));
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(aliceToBob("m" + i));
        }
        for (int i : new int[] {5, 0, 3, 1, 4, 2}) {
            assertEquals("m" + i, bobDecrypts(sent.get(i)));
        }
    }

    @Test
    void replayIsADuplicate() throws Exception {
        byte[] first = aliceToBob("first");
        bobDecrypts(first);
        aliceDecrypts(bobToAlice("reply"));
        byte[] second = aliceToBob("second");
        bobDecrypts(second);

        assertReason(
                CryptoException.Reason.DUPLICATE_MESSAGE,
                () -> bob.crypto.decrypt(alice.accountId(), alice.deviceId, second));
        assertReason(
                CryptoException.Reason.DUPLICATE_MESSAGE,
                () -> bob.crypto.decrypt(alice.accountId(), alice.deviceId, first));
    }

    @Test
    void aFlippedByteIsInvalidAndLosesNothing() throws Exception {
        bobDecrypts(aliceToBob("hello"));
        aliceDecrypts(bobToAlice("hi"));
        byte[] genuine = aliceToBob("secret");
        for (int index : new int[] {genuine.length - 1, genuine.length / 2}) {
            byte[] tampered = genuine.clone();
            tampered[index] ^= 0x01;
            assertReason(
                    CryptoException.Reason.INVALID_MESSAGE,
                    () -> bob.crypto.decrypt(alice.accountId(), alice.deviceId, tampered));
        }
        assertEquals("secret", bobDecrypts(genuine));
    }

    @Test
    void aFlippedPreKeyMessageIsInvalid() throws Exception {
        byte[] genuine = aliceToBob("hello");
        byte[] tampered = genuine.clone();
        tampered[tampered.length - 1] ^= 0x01;
        assertReason(
                CryptoException.Reason.INVALID_MESSAGE,
                () -> bob.crypto.decrypt(alice.accountId(), alice.deviceId, tampered));
        assertEquals("hello", bobDecrypts(genuine));
    }

    @Test
    void unknownEnvelopeIsMalformed() throws Exception {
        byte[] genuine = aliceToBob("hello");
        byte[] badVersion = genuine.clone();
        badVersion[0] = 2;
        byte[] badType = genuine.clone();
        badType[1] = 7;
        for (byte[] bad : List.of(badVersion, badType, new byte[] {1, 3})) {
            assertReason(
                    CryptoException.Reason.MALFORMED,
                    () -> bob.crypto.decrypt(alice.accountId(), alice.deviceId, bad));
        }
    }

    @Test
    void withoutASessionThereIsNoSession() throws Exception {
        TestDevice carol = new TestDevice(1, 3333);
        assertFalse(carol.crypto.hasSession(bob.accountId(), bob.deviceId));
        assertReason(
                CryptoException.Reason.NO_SESSION,
                () -> carol.crypto.encrypt(bob.accountId(), bob.deviceId, new byte[1]));

        bobDecrypts(aliceToBob("hello"));
        byte[] normal = bobToAlice("hi");
        assertReason(
                CryptoException.Reason.NO_SESSION,
                () -> carol.crypto.decrypt(bob.accountId(), bob.deviceId, normal));
    }

    @Test
    void aPreKeyMessageClaimingAnotherAccountIsRejected() throws Exception {
        byte[] ciphertext = aliceToBob("hello");
        String otherAccount = Identity.generate().accountId();
        assertReason(
                CryptoException.Reason.IDENTITY_MISMATCH,
                () -> bob.crypto.decrypt(otherAccount, alice.deviceId, ciphertext));
        assertFalse(bob.crypto.hasSession(otherAccount, alice.deviceId));
    }

    @Test
    void startSessionChecksTheBundleBelongsToTheAccount() throws Exception {
        TestDevice carol = new TestDevice(1, 3333);
        var bobBundle = BundleVerifier.verify(bob.accountId(), bob.bundleKeys());
        assertReason(
                CryptoException.Reason.IDENTITY_MISMATCH,
                () -> carol.crypto.startSession(alice.accountId(), 2, bobBundle));
    }

    @Test
    void deviceIdsOutsideLibsignalsRangeAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> alice.crypto.hasSession(bob.accountId(), SessionCrypto.MAX_DEVICE_ID + 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> alice.crypto.encrypt(bob.accountId(), 0, new byte[1]));
    }

    private byte[] aliceToBob(String text) throws CryptoException {
        return alice.crypto.encrypt(bob.accountId(), bob.deviceId, utf8(text));
    }

    private byte[] bobToAlice(String text) throws CryptoException {
        return bob.crypto.encrypt(alice.accountId(), alice.deviceId, utf8(text));
    }

    private String bobDecrypts(byte[] ciphertext) throws CryptoException {
        return new String(
                bob.crypto.decrypt(alice.accountId(), alice.deviceId, ciphertext),
                StandardCharsets.UTF_8);
    }

    private String aliceDecrypts(byte[] ciphertext) throws CryptoException {
        return new String(
                alice.crypto.decrypt(bob.accountId(), bob.deviceId, ciphertext),
                StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sealedPayloadTravelsThroughASession() throws Exception {
        SealedPayload.Header header =
                new SealedPayload.Header(
                        SealedPayload.KIND_MESSAGE,
                        alice.accountId(),
                        alice.deviceId,
                        bob.accountId(),
                        bob.deviceId,
                        "msg-1",
                        10L,
                        20L);
        byte[] ciphertext =
                alice.crypto.encrypt(
                        bob.accountId(), bob.deviceId, SealedPayload.seal(header, utf8("body")));
        SealedPayload.Opened opened =
                SealedPayload.open(
                        bob.crypto.decrypt(alice.accountId(), alice.deviceId, ciphertext));
        assertEquals(header, opened.header());
        assertArrayEquals(utf8("body"), opened.body());
        SealedPayload.checkBinding(
                opened.header(),
                alice.accountId(),
                alice.deviceId,
                bob.accountId(),
                bob.deviceId,
                "msg-1",
                SealedPayload.KIND_MESSAGE,
                20L);
    }
}
