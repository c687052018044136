package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Contacts;
import dev.cipherline.sdk.internal.Compat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The address book in the {@code contacts} table: one name per account, names unique. */
public final class ContactStore implements Contacts {
    private static final int MAX_NAME_LENGTH = 64;

    /** 1 when the contact's current identity key is the one the user verified. */
    private static final String VERIFIED =
            "EXISTS (SELECT 1 FROM verified_identities v JOIN peer_identities p"
                    + " ON p.account_id = v.account_id AND p.identity_key = v.identity_key"
                    + " WHERE v.account_id = contacts.account_id)";

    private final Database db;

    public ContactStore(Database db) {
        this.db = db;
    }

    @Override
    public void add(String name, AccountId id) {
        Objects.requireNonNull(id, "id");
        String checked = checkName(name);
        db.sqlTransaction(
                c -> {
                    Optional<Contact> existing = find(c, "name", checked);
                    if (existing.isPresent()) {
                        if (!existing.get().accountId().equals(id)) {
                            throw new ChatException(
                                    ChatException.Reason.INVALID_ARGUMENT,
                                    "the name '" + checked + "' belongs to another contact");
                        }
                        return null;
                    }
                    execute(c, "DELETE FROM contacts WHERE account_id = ?", id.value());
                    execute(
                            c,
                            "INSERT INTO contacts (name, account_id) VALUES (?, ?)",
                            checked,
                            id.value());
                    return null;
                });
    }

    @Override
    public List<Contact> list() {
        return db.sqlRead(
                c -> {
                    List<Contact> out = new ArrayList<>();
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT name, account_id, "
                                                    + VERIFIED
                                                    + ", changed_from FROM contacts ORDER BY name");
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(contact(rs));
                        }
                    }
                    return out;
                });
    }

    @Override
    public Optional<Contact> byName(String name) {
        Objects.requireNonNull(name, "name");
        return db.sqlRead(c -> find(c, "name", name));
    }

    @Override
    public Optional<Contact> byAccount(AccountId id) {
        Objects.requireNonNull(id, "id");
        return db.sqlRead(c -> find(c, "account_id", id.value()));
    }

    private static Optional<Contact> find(Connection c, String column, String value)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT name, account_id, "
                                + VERIFIED
                                + ", changed_from FROM contacts WHERE "
                                + column
                                + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(contact(rs)) : Optional.empty();
            }
        }
    }

    private static Contact contact(ResultSet rs) throws SQLException {
        String changedFrom = rs.getString(4);
        return new Contact(
                rs.getString(1),
                new AccountId(rs.getString(2)),
                rs.getInt(3) == 1,
                changedFrom == null ? null : new AccountId(changedFrom));
    }

    /**
     * Points the contact {@code name} to {@code newId} (the person started over with a new
     * identity) and marks the change unaccepted. The history with the old account stays.
     *
     * @return the contact after the change
     * @throws ChatException UNKNOWN_CONTACT if there is no such contact; INVALID_ARGUMENT if {@code
     *     newId} is already the contact's account or another contact's
     */
    public Contact change(String name, AccountId newId) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(newId, "newId");
        return db.sqlTransaction(
                c -> {
                    Contact current =
                            find(c, "name", name)
                                    .orElseThrow(
                                            () ->
                                                    new ChatException(
                                                            ChatException.Reason.UNKNOWN_CONTACT,
                                                            "no contact named '" + name + "'"));
                    if (current.accountId().equals(newId)) {
                        throw new ChatException(
                                ChatException.Reason.INVALID_ARGUMENT,
                                "'" + name + "' already has that account ID");
                    }
                    if (find(c, "account_id", newId.value()).isPresent()) {
                        throw new ChatException(
                                ChatException.Reason.INVALID_ARGUMENT,
                                "that account ID belongs to another contact");
                    }
                    execute(
                            c,
                            "UPDATE contacts SET account_id = ?, changed_from = ? WHERE name = ?",
                            newId.value(),
                            current.accountId().value(),
                            name);
                    return find(c, "name", name).get();
                });
    }

    /** Accepts an identity change of the contact of {@code id}; returns whether one was pending. */
    public boolean acceptChange(AccountId id) {
        return db.sqlTransaction(
                c ->
                        execute(
                                        c,
                                        "UPDATE contacts SET changed_from = NULL WHERE account_id ="
                                                + " ? AND changed_from IS NOT NULL",
                                        id.value())
                                > 0);
    }

    private static String checkName(String name) {
        if (name == null || Compat.isBlank(name)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "a contact name must not be blank");
        }
        if (!Compat.strip(name).equals(name)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a contact name must not start or end with spaces");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a contact name must be at most "
                            + MAX_NAME_LENGTH
                            + " characters without control characters");
        }
        // a name that reads as an account ID would shadow that account when sending
        if (AccountIds.isValid(name.replace("-", "").replace(" ", "").toLowerCase())) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a contact name must not look like an account ID");
        }
        return name;
    }
}
