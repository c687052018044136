package dev.cipherline.sdk;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The local address book, reached by {@link ChatClient#contacts()}: unique names for account IDs.
 * Stored with the client's data; every call reads or writes the local store only, and is
 * thread-safe.
 */
public interface Contacts {
    /**
     * Adds a contact, or renames the contact of {@code id}; adding the same pair again does
     * nothing.
     *
     * @throws ChatException INVALID_ARGUMENT if the name is blank, has surrounding blanks or
     *     control characters, is over 64 characters, looks like an account ID, or belongs to
     *     another account
     */
    void add(String name, AccountId id);

    /** Every contact, sorted by name. */
    List<Contact> list();

    /** The contact with this exact name, if any. */
    Optional<Contact> byName(String name);

    /** The contact of this account, if any. */
    Optional<Contact> byAccount(AccountId id);

    /**
     * The account {@code nameOrId} refers to, by this rule: the contact with exactly that name if
     * there is one, otherwise {@code nameOrId} parsed as an account ID ({@link AccountId#parse}).
     * The two never compete, because a contact name can never look like an account ID. The one
     * place where text a person typed becomes an {@link AccountId}; every other call takes the
     * typed form.
     *
     * @throws ChatException UNKNOWN_CONTACT if {@code nameOrId} is neither a contact's name nor an
     *     account ID
     */
    default AccountId resolve(String nameOrId) {
        Objects.requireNonNull(nameOrId, "nameOrId");
        Optional<Contact> contact = byName(nameOrId);
        if (contact.isPresent()) {
            return contact.get().accountId();
        }
        try {
            return AccountId.parse(nameOrId);
        } catch (IllegalArgumentException e) {
            throw new ChatException(
                    ChatException.Reason.UNKNOWN_CONTACT,
                    "'" + nameOrId + "' is neither a contact nor an account ID");
        }
    }
}
