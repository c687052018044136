package dev.cipherline.crypto;

import static dev.cipherline.crypto.BundleVerifierTest.assertReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SafetyNumbersTest {
    private final Identity alice = Identity.generate();
    private final Identity bob = Identity.generate();
    private final Identity carol = Identity.generate();

    private static String number(Identity local, Identity remote) throws CryptoException {
        return SafetyNumbers.compute(
                local.accountId(), local.publicKey(), remote.accountId(), remote.publicKey());
    }

    @Test
    void bothSidesComputeTheSameSixtyDigits() throws Exception {
        String ab = number(alice, bob);
        assertEquals(ab, number(bob, alice));
        assertEquals(SafetyNumbers.DIGITS, ab.length());
        assertTrue(ab.chars().allMatch(Character::isDigit), ab);
        // deterministic
        assertEquals(ab, number(alice, bob));
    }

    @Test
    void anotherKeyGivesAnotherNumber() throws Exception {
        assertNotEquals(number(alice, bob), number(alice, carol));
        assertNotEquals(number(alice, bob), number(carol, bob));
    }

    @Test
    void aKeyThatDoesNotHashToItsAccountIsRefused() {
        assertReason(
                CryptoException.Reason.IDENTITY_MISMATCH,
                () ->
                        SafetyNumbers.compute(
                                alice.accountId(),
                                alice.publicKey(),
                                bob.accountId(),
                                carol.publicKey()));
    }

    @Test
    void formatsTwelveGroupsOfFiveOnThreeLines() {
        String digits = "012345678901234567890123456789012345678901234567890123456789";
        assertEquals(
                "01234 56789 01234 56789\n"
                        + "01234 56789 01234 56789\n"
                        + "01234 56789 01234 56789",
                SafetyNumbers.format(digits));
        assertThrows(IllegalArgumentException.class, () -> SafetyNumbers.format("123"));
    }
}
