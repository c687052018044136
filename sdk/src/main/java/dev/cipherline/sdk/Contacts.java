package dev.cipherline.sdk;

import java.util.List;
import java.util.Optional;

/** The local address book: unique names for account IDs. Stored with the client's data. */
public interface Contacts {
    /**
     * Adds a contact, or renames the contact of {@code id}; adding the same pair again does
     * nothing.
     *
     * @throws ChatException INVALID_ARGUMENT if the name is blank or belongs to another account
     */
    void add(String name, AccountId id);

    /** Every contact, sorted by name. */
    List<Contact> list();

    /** The contact with this exact name, if any. */
    Optional<Contact> byName(String name);

    /** The contact of this account, if any. */
    Optional<Contact> byAccount(AccountId id);
}
