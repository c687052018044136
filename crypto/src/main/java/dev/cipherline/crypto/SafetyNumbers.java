package dev.cipherline.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator;

/**
 * Safety numbers: libsignal's numeric fingerprint of two identity keys, 60 digits that are the same
 * on both sides. Each side's stable identifier is its account ID (ASCII), so the number binds the
 * keys to the account IDs the users see. Users compare it in person or over a channel they trust;
 * if it matches, no one sits between them.
 *
 * <p>An account ID is itself the hash of its identity key, so a relay can never substitute a
 * contact's key under the same account ID. The safety number adds the check that the account ID you
 * have is the one your contact has.
 */
public final class SafetyNumbers {
    /** libsignal's fingerprint format version for 30-digit-per-side numbers. */
    private static final int VERSION = 2;

    /** Hash iterations, as in libsignal's reference clients. */
    private static final int ITERATIONS = 5200;

    /** The digits in a safety number. */
    public static final int DIGITS = 60;

    private SafetyNumbers() {}

    /**
     * Computes the safety number of two accounts: the same 60 digits whichever side computes it.
     *
     * @param localAccount this account's ID
     * @param localIdentityKey this account's 33-byte identity public key
     * @param remoteAccount the other account's ID
     * @param remoteIdentityKey the other account's 33-byte identity public key
     * @throws CryptoException MALFORMED if a key is not a valid identity public key,
     *     IDENTITY_MISMATCH if a key does not hash to its account ID
     */
    public static String compute(
            String localAccount,
            byte[] localIdentityKey,
            String remoteAccount,
            byte[] remoteIdentityKey)
            throws CryptoException {
        IdentityKey local = key(localAccount, localIdentityKey);
        IdentityKey remote = key(remoteAccount, remoteIdentityKey);
        return new NumericFingerprintGenerator(ITERATIONS)
                .createFor(
                        VERSION,
                        localAccount.getBytes(StandardCharsets.US_ASCII),
                        local,
                        remoteAccount.getBytes(StandardCharsets.US_ASCII),
                        remote)
                .getDisplayableFingerprint()
                .getDisplayText();
    }

    /** Formats a safety number as 12 groups of 5 digits, 4 groups per line. */
    public static String format(String digits) {
        Objects.requireNonNull(digits, "digits");
        if (digits.length() != DIGITS || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("a safety number has " + DIGITS + " digits");
        }
        StringBuilder out = new StringBuilder(DIGITS + 12);
        for (int i = 0; i < DIGITS; i += 5) {
            if (i > 0) {
                out.append(i % 20 == 0 ? '\n' : ' ');
            }
            out.append(digits, i, i + 5);
        }
        return out.toString();
    }

    private static IdentityKey key(String account, byte[] identityKey) throws CryptoException {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(identityKey, "identityKey");
        if (!AccountIdDerivation.matches(account, identityKey)) {
            throw new CryptoException(
                    CryptoException.Reason.IDENTITY_MISMATCH,
                    "identity key does not hash to account " + account);
        }
        try {
            return new IdentityKey(identityKey);
        } catch (InvalidKeyException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "not an identity public key", e);
        }
    }
}
