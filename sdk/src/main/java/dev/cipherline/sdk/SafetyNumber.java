package dev.cipherline.sdk;

import dev.cipherline.crypto.SafetyNumbers;
import java.util.Objects;

/**
 * The safety number of this account and {@code peer}: 60 digits that are the same on both sides
 * when both have each other's genuine identity key. Compare them in person or over a channel you
 * trust, then {@link Verification#markVerified}.
 *
 * @param peer the other account
 * @param digits the 60 digits
 * @param verified whether the user confirmed this number (for the peer's current identity key)
 */
public record SafetyNumber(AccountId peer, String digits, boolean verified) {
    /** Checks the values. */
    public SafetyNumber {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(digits, "digits");
        if (digits.length() != 60 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new IllegalArgumentException("a safety number has 60 digits");
        }
    }

    /** The digits as 12 groups of 5, 4 groups per line (3 lines). */
    public String formatted() {
        return SafetyNumbers.format(digits);
    }
}
