package dev.cipherline.sdk;

import dev.cipherline.protocol.AccountIds;
import java.util.Objects;

/**
 * A self-certifying account ID: 32 characters of lower-case base32 derived from the account's
 * identity public key. A relay cannot hand out another key for an account ID, because the SDK
 * checks that the key hashes to it.
 *
 * @param value the normalized form (lower case, no separators)
 */
public record AccountId(String value) {
    /**
     * Checks that {@code value} is a normalized account ID.
     *
     * @throws IllegalArgumentException if it is not; use {@link #parse} for typed input
     */
    public AccountId {
        Objects.requireNonNull(value, "value");
        if (!AccountIds.isValid(value)) {
            throw new IllegalArgumentException(
                    "not an account ID: expected "
                            + AccountIds.LENGTH
                            + " characters of a-z and 2-7");
        }
    }

    /**
     * Parses an account ID as a person typed it: upper case, spaces and dashes are accepted.
     *
     * @throws IllegalArgumentException if the text is not an account ID
     */
    public static AccountId parse(String typed) {
        Objects.requireNonNull(typed, "typed");
        return new AccountId(AccountIds.normalize(typed));
    }

    /** The normalized account ID. */
    @Override
    public String toString() {
        return value;
    }
}
