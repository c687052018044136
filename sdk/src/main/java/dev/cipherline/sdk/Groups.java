package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.client.ClientCore;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The groups of a {@link ChatClient}, reached by {@link ChatClient#groups()}: creating and changing
 * them, sending to them, and their history and read state. Every call takes a {@link GroupId};
 * {@link #resolve} turns a name or ID a person typed into one. Thread-safe, like the client, and no
 * call blocks on the network.
 *
 * <p>Membership is end-to-end encrypted: the admin sends every snapshot of the group (name, admin,
 * members, epoch) to each member over the pairwise sessions, and each member applies only snapshots
 * from the admin with a higher epoch. {@link ChatListener#onGroupChanged} reports every applied
 * change.
 */
public final class Groups {
    private final ClientCore core;

    Groups(ClientCore core) {
        this.core = core;
    }

    /**
     * The group {@code nameOrId} refers to, by this rule: if it is a group ID (32 hex digits, case
     * and surrounding blanks ignored) of a group this device knows, that group; otherwise the group
     * with exactly that name, preferring the one this account is still a member of. Reads the local
     * store only.
     *
     * @throws ChatException UNKNOWN_CONTACT if no known group has that ID or name; INVALID_ARGUMENT
     *     if this account is a member of several groups with that name (use the ID)
     */
    public GroupId resolve(String nameOrId) {
        Objects.requireNonNull(nameOrId, "nameOrId");
        List<Group> all = core.groups();
        Optional<GroupId> id = parse(nameOrId);
        if (id.isPresent() && all.stream().anyMatch(g -> g.id().equals(id.get()))) {
            return id.get();
        }
        List<Group> named =
                all.stream()
                        .filter(g -> g.name().equals(nameOrId))
                        .sorted(
                                Comparator.comparing(Group::active)
                                        .reversed()
                                        .thenComparing(g -> g.id().value()))
                        .collect(Compat.toList());
        if (named.isEmpty()) {
            throw new ChatException(
                    ChatException.Reason.UNKNOWN_CONTACT, "no group named '" + nameOrId + "'");
        }
        if (named.size() > 1 && named.get(1).active()) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "several groups are named '" + nameOrId + "'; use the group ID");
        }
        return named.get(0).id();
    }

    private static Optional<GroupId> parse(String text) {
        try {
            return Optional.of(GroupId.parse(text));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    /** Every group this account is or was a member of, by name, as this device knows them. */
    public List<Group> list() {
        return core.groups();
    }

    /**
     * Creates a group with a new random ID, this account as its admin and {@code members} (this
     * account is added if missing), and sends the membership to every member, end-to-end encrypted
     * over the pairwise sessions.
     *
     * @return the group at epoch 1
     * @throws ChatException INVALID_ARGUMENT if the name is blank or over 200 UTF-8 bytes, an
     *     active group has that name, or there would be more than 1,000 members; STORE_FAILURE;
     *     CLOSED
     */
    public Group create(String name, Collection<AccountId> members) {
        Objects.requireNonNull(name, "name");
        return core.createGroup(name, values(members));
    }

    /**
     * Adds members to a group this account administers and sends the new membership (next epoch) to
     * every member. New members receive messages sent after they were added, never earlier ones.
     *
     * @return the group after the change
     * @throws ChatException UNKNOWN_CONTACT if this device knows no such group; REJECTED if this
     *     account is not the group's admin; INVALID_ARGUMENT if the group would exceed 1,000
     *     members; CLOSED
     */
    public Group addMembers(GroupId group, Collection<AccountId> members) {
        Objects.requireNonNull(group, "group");
        return core.changeMembers(group.value(), values(members), List.of());
    }

    /**
     * Removes members from a group this account administers and sends the new membership (next
     * epoch) to the remaining and the removed members. Every remaining member then rotates its
     * sender key, so the removed members cannot decrypt anything sent after the removal, even if a
     * relay still hands them the envelopes; their own later group messages are refused.
     *
     * @return the group after the change
     * @throws ChatException as {@link #addMembers}
     */
    public Group removeMembers(GroupId group, Collection<AccountId> members) {
        Objects.requireNonNull(group, "group");
        return core.changeMembers(group.value(), List.of(), values(members));
    }

    /**
     * Leaves a group: this device stops sending to it and ignores its messages at once, and the
     * admin is told to publish a membership without this account. An admin that leaves hands the
     * group to the remaining member with the smallest account ID.
     *
     * @throws ChatException UNKNOWN_CONTACT if this device knows no such group; INVALID_ARGUMENT if
     *     this account is not a member; CLOSED
     */
    public void leave(GroupId group) {
        Objects.requireNonNull(group, "group");
        core.leaveGroup(group.value());
    }

    /**
     * Queues a text message to every member of a group and returns at once. It is encrypted once
     * with this device's sender key and sent as one {@code send} whose body the relay stores once
     * for every member device; before the first message after a change, the sender key is handed to
     * the members that lack it. The handle becomes {@code SENT} when the relay accepted it (group
     * messages get no delivery or read receipts; see {@link #readState}).
     *
     * @throws ChatException UNKNOWN_CONTACT if this device knows no such group; INVALID_ARGUMENT if
     *     this account is not a member; STORE_FAILURE; CLOSED
     */
    public OutgoingMessage send(GroupId group, String text) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(text, "text");
        return core.sendToGroup(group.value(), text);
    }

    /**
     * Sets the disappearing-message timer of a group, as {@link ChatClient#setDisappearingTimer}
     * does for a 1:1 conversation: any member may set it; the setting goes end-to-end encrypted to
     * every member's devices and this account's other devices, and every member's history gets a
     * note. Group messages are then deleted from every device {@code timer} after they were read
     * (incoming) or sent (outgoing).
     *
     * @param timer zero (off) or 1 second .. 365 days, in whole seconds
     * @throws ChatException UNKNOWN_CONTACT if this device knows no such group; INVALID_ARGUMENT if
     *     this account is not a member or {@code timer} is out of range; STORE_FAILURE; CLOSED
     */
    public void setDisappearingTimer(GroupId group, Duration timer) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(timer, "timer");
        core.setGroupTimer(group, timer);
    }

    /** The disappearing-message timer of {@code group}; {@link Duration#ZERO} when it is off. */
    public Duration disappearingTimer(GroupId group) {
        Objects.requireNonNull(group, "group");
        return core.groupTimer(group);
    }

    /**
     * A page of a group's history, newest first, older than {@code before} (or the newest). Each
     * message's {@link StoredMessage#peer()} is its sender, this account for its own messages,
     * whose state moves {@code PENDING -> SENT} (or {@code FAILED}).
     *
     * @param limit the most rows to return, 1..1000
     * @param before return rows older than this message, or null for the newest rows
     * @throws ChatException INVALID_ARGUMENT if {@code limit} is out of range
     */
    public List<StoredMessage> history(GroupId group, int limit, @Nullable MessageId before) {
        Objects.requireNonNull(group, "group");
        return core.groupHistory(group, limit, before);
    }

    /** How many messages of {@code group} arrived since it was last marked read. */
    public int unreadCount(GroupId group) {
        Objects.requireNonNull(group, "group");
        return core.groupUnreadCount(group);
    }

    /**
     * Marks every message received in {@code group} read and sends each sender an end-to-end
     * encrypted read receipt for its messages (1:1), from which the sender keeps "read by N of M".
     * This account's other devices are told too, as by {@link ChatClient#markRead}.
     *
     * @return how many messages were newly marked read
     * @throws ChatException STORE_FAILURE; CLOSED
     */
    public int markRead(GroupId group) {
        Objects.requireNonNull(group, "group");
        return core.markGroupRead(group);
    }

    /**
     * How far one of this account's group messages got: delivered to and read by how many of the
     * members it was sent to ("read by 37 of 120"). One stored row, no scan. Empty if {@code id} is
     * not a group message this account sent. {@link ChatListener#onGroupReadState} reports changes.
     */
    public Optional<GroupReadState> readState(MessageId id) {
        Objects.requireNonNull(id, "id");
        return core.readState(id);
    }

    private static List<String> values(Collection<AccountId> members) {
        Objects.requireNonNull(members, "members");
        return members.stream().map(AccountId::value).collect(Compat.toList());
    }
}
