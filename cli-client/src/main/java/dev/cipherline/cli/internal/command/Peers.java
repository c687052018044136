package dev.cipherline.cli.internal.command;

import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Group;
import java.util.Optional;

/**
 * Reads a {@code NAME} argument as a group the way {@code send} reads {@code TO}; accounts come
 * from {@link dev.cipherline.sdk.Contacts#resolve}.
 */
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
        return client.groups().list().stream()
                .filter(g -> g.name().equals(name) || g.id().value().equals(name))
                .min((a, b) -> Boolean.compare(b.active(), a.active()));
    }
}
