package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Contacts;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The app's {@link Contacts}: the local address book, whose additions and renames are also told to
 * the account's other devices (a contact sync).
 */
final class SyncedContacts implements Contacts {
    private final Contacts store;
    private final BiConsumer<String, String> added;

    /**
     * @param added called with the name and account ID after each successful {@link #add}
     */
    SyncedContacts(Contacts store, BiConsumer<String, String> added) {
        this.store = store;
        this.added = added;
    }

    @Override
    public void add(String name, AccountId id) {
        store.add(name, id);
        added.accept(name, id.value());
    }

    @Override
    public List<Contact> list() {
        return store.list();
    }

    @Override
    public Optional<Contact> byName(String name) {
        return store.byName(name);
    }

    @Override
    public Optional<Contact> byAccount(AccountId id) {
        return store.byAccount(id);
    }
}
