package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Group;
import java.util.Optional;

/** Turns a {@code NAME} argument into an account, the way {@code send} reads {@code TO}. */
public final class Peers {
    private Peers() {}

    /**
     * The group {@code name} names (by name or ID) when it is no contact's name, like {@code send}
     * reads {@code TO}; empty otherwise.
     */
    public static Optional<Group> group(ChatClient client, String name) {
        if (client.contacts().byName(name).isPresent()) {
            return Optional.empty();
        }
        return client.groups().stream()
                .filter(g -> g.name().equals(name) || g.id().value().equals(name))
                .min((a, b) -> Boolean.compare(b.active(), a.active()));
    }

    /**
     * Returns the account of the contact called {@code name}, else {@code name} read as an account
     * ID.
     *
     * @throws CliError.Rejected if it is neither (exit 5, like an unknown contact in {@code send})
     */
    public static AccountId resolve(ChatClient client, String name) {
        return client.contacts()
                .byName(name)
                .map(Contact::accountId)
                .orElseGet(
                        () -> {
                            try {
                                return AccountId.parse(name);
                            } catch (IllegalArgumentException e) {
                                throw new CliError.Rejected(
                                        "'" + name + "' is neither a contact nor an account ID");
                            }
                        });
    }
}
