package dev.cipherline.sdk;

import java.util.Objects;

/** An entry of the local address book: a unique name for an account. */
public record Contact(String name, AccountId accountId) {
    /** Checks both values. */
    public Contact {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(accountId, "accountId");
    }
}
