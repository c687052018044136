package dev.cipherline.sdk;

import java.util.Objects;

/**
 * An entry of the local address book: a unique name for an account.
 *
 * @param verified whether the user verified the safety number with this account (see {@link
 *     ChatClient#markVerified})
 */
public record Contact(String name, AccountId accountId, boolean verified) {
    /** Checks both values. */
    public Contact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(accountId, "accountId");
    }

    /** A contact whose safety number was not verified. */
    public Contact(String name, AccountId accountId) {
        this(name, accountId, false);
    }
}
