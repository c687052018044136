package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Contact;

/** Turns a {@code NAME} argument into an account, the way {@code send} reads {@code TO}. */
public final class Peers {
    private Peers() {}

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
