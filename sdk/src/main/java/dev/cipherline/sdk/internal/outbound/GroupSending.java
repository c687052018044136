package dev.cipherline.sdk.internal.outbound;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What the outbox needs to know about a group to send one of its messages. */
public interface GroupSending {
    /** The members a group message goes to now (all but this account), or empty if not a member. */
    Optional<List<String>> recipients(String groupId);

    /**
     * This device's current sender key for the group, created (after a rotation) and queued to
     * every member that does not hold it yet.
     */
    UUID prepareKey(String groupId);
}
