package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class GroupCryptoTest {
    private final TestDevice alice = new TestDevice(1, 11);
    private final TestDevice bob = new TestDevice(1, 22);
    private final TestDevice carol = new TestDevice(1, 33);
    private final GroupCrypto aliceGroups = new GroupCrypto(alice.store);
    private final GroupCrypto bobGroups = new GroupCrypto(bob.store);
    private final GroupCrypto carolGroups = new GroupCrypto(carol.store);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneCiphertextIsReadByEveryMemberHoldingTheKey() throws Exception {
        UUID key = UUID.randomUUID();
        byte[] distribution = aliceGroups.distribution(alice.accountId(), 1, key);
        assertEquals(key, bobGroups.process(alice.accountId(), 1, distribution));
        assertEquals(key, carolGroups.process(alice.accountId(), 1, distribution));

        byte[] ciphertext = aliceGroups.encrypt(alice.accountId(), 1, key, utf8("hello group"));

        assertTrue(GroupCrypto.isGroupCiphertext(ciphertext));
        GroupCrypto.Decrypted atBob = bobGroups.decrypt(alice.accountId(), 1, ciphertext);
        GroupCrypto.Decrypted atCarol = carolGroups.decrypt(alice.accountId(), 1, ciphertext);
        assertArrayEquals(utf8("hello group"), atBob.plaintext());
        assertArrayEquals(utf8("hello group"), atCarol.plaintext());
        assertEquals(key, atBob.distributionId());
    }

    @Test
    void aMemberLeftOutOfARotationCannotReadWhatFollows() throws Exception {
        UUID before = UUID.randomUUID();
        byte[] first = aliceGroups.distribution(alice.accountId(), 1, before);
        bobGroups.process(alice.accountId(), 1, first);
        carolGroups.process(alice.accountId(), 1, first);
        carolGroups.decrypt(
                alice.accountId(),
                1,
                aliceGroups.encrypt(alice.accountId(), 1, before, utf8("old")));

        // carol is removed: alice rotates and hands the new key to bob only
        UUID after = UUID.randomUUID();
        bobGroups.process(
                alice.accountId(), 1, aliceGroups.distribution(alice.accountId(), 1, after));
        byte[] secret = aliceGroups.encrypt(alice.accountId(), 1, after, utf8("after removal"));

        assertArrayEquals(
                utf8("after removal"), bobGroups.decrypt(alice.accountId(), 1, secret).plaintext());
        CryptoException e =
                assertThrows(
                        CryptoException.class,
                        () -> carolGroups.decrypt(alice.accountId(), 1, secret));
        assertEquals(CryptoException.Reason.NO_SESSION, e.reason());
    }

    @Test
    void tamperingDuplicatesAndPairwiseFramingAreRefused() throws Exception {
        UUID key = UUID.randomUUID();
        bobGroups.process(
                alice.accountId(), 1, aliceGroups.distribution(alice.accountId(), 1, key));
        byte[] ciphertext = aliceGroups.encrypt(alice.accountId(), 1, key, utf8("x"));
        byte[] tampered = ciphertext.clone();
        tampered[tampered.length - 70] ^= 1;

        assertThrows(
                CryptoException.class, () -> bobGroups.decrypt(alice.accountId(), 1, tampered));
        bobGroups.decrypt(alice.accountId(), 1, ciphertext);
        CryptoException dup =
                assertThrows(
                        CryptoException.class,
                        () -> bobGroups.decrypt(alice.accountId(), 1, ciphertext));
        assertEquals(CryptoException.Reason.DUPLICATE_MESSAGE, dup.reason());
        assertFalse(GroupCrypto.isGroupCiphertext(new byte[] {1, 2, 3}));
        CryptoException framing =
                assertThrows(
                        CryptoException.class,
                        () -> bobGroups.decrypt(alice.accountId(), 1, new byte[] {1, 2, 3}));
        assertEquals(CryptoException.Reason.MALFORMED, framing.reason());
        // the sender key is bound to the sender: another sender's address finds no key
        assertThrows(
                CryptoException.class,
                () ->
                        bobGroups.decrypt(
                                carol.accountId(),
                                1,
                                aliceGroups.encrypt(alice.accountId(), 1, key, utf8("y"))));
    }

    @Test
    void groupBindingRequiresTheDistributedGroup() throws Exception {
        String group = SealedPayload.groupRecipient("00ff");
        SealedPayload.Header h =
                new SealedPayload.Header(
                        SealedPayload.KIND_MESSAGE, "a", 1, group, 0, "m1", 1L, 100L);
        SealedPayload.checkGroupBinding(h, "a", 1, group, "m1", SealedPayload.KIND_MESSAGE, 100L);

        CryptoException other =
                assertThrows(
                        CryptoException.class,
                        () ->
                                SealedPayload.checkGroupBinding(
                                        h,
                                        "a",
                                        1,
                                        SealedPayload.groupRecipient("0100"),
                                        "m1",
                                        SealedPayload.KIND_MESSAGE,
                                        100L));
        assertEquals(CryptoException.Reason.HEADER_MISMATCH, other.reason());
        // a group header never passes the pairwise check of any account
        assertThrows(
                CryptoException.class,
                () ->
                        SealedPayload.checkBinding(
                                h, "a", 1, "b", 1, "m1", SealedPayload.KIND_MESSAGE, 100L));
    }
}
