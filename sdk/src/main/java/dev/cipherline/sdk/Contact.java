package dev.cipherline.sdk;

import java.util.Objects;

/**
 * An entry of the local address book: a unique name for an account.
 *
 * @param verified whether the user verified the safety number with this account (see {@link
 *     Verification#markVerified})
 * @param identityChangedFrom the account this name pointed to before its identity changed ({@link
 *     Verification#changeIdentity}), until the user accepts the change; else null
 */
public record Contact(
        String name,
        AccountId accountId,
        boolean verified,
        @Nullable AccountId identityChangedFrom) {
    /** Checks both values. */
    public Contact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(accountId, "accountId");
    }

    /** A contact whose safety number was not verified. */
    public Contact(String name, AccountId accountId) {
        this(name, accountId, false, null);
    }
}
