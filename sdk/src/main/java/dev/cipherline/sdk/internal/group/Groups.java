package dev.cipherline.sdk.internal.group;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.app.OutboxResults;
import dev.cipherline.sdk.internal.app.OutgoingHandle;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.GroupSending;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DisappearingStore;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Groups on the app's side: creating a group, changing its members (the admin only), leaving it,
 * listing groups, and sending a group message with this device's sender key. The rules a member
 * applies to what arrives are in {@link GroupInbound} (built here, over the same store) and the
 * membership convergence rule itself in {@link Membership}.
 *
 * <p><b>Ordering rule.</b> Only a group's admin changes its membership. Each change is a full
 * snapshot (name, admin, members) with an epoch one above the admin's previous one, sent to every
 * member (and to removed members) over the pairwise sessions; every member keeps snapshots by
 * {@link Membership}. A member leaves by sending a leave to the admin, who publishes the next
 * snapshot; an admin that leaves hands the group to the smallest remaining account ID.
 *
 * <p><b>Sender keys.</b> Each device has one sender key per group and hands its distribution
 * message to every member over the pairwise session before its first group message, queued in the
 * outbox ahead of it. When a snapshot removes anyone, every remaining member forgets its own key
 * and creates a new one at its next send, which goes to the remaining members only; the removed
 * member's received keys are deleted and its group messages refused. A group message is queued here
 * and sent by the outbox ({@code internal.outbound}), which asks {@link GroupSending}.
 */
public final class Groups implements GroupSending {
    private final Database db;
    private final GroupStore store;
    private final MessageStore messages;
    private final OutboxStore outbox;
    private final GroupCrypto crypto;
    private final LocalDevice self;
    private final Clock clock;
    private final BooleanSupplier ownDevices;
    private final SessionDevices sessionDevices;
    private final Sealer sealer;
    private final Snapshots snapshots;
    private final GroupInbound inbound;
    private volatile DisappearingStore timers;

    /** The groups of a device whose account has no other devices (tests below the client). */
    public Groups(
            Database db,
            GroupStore store,
            MessageStore messages,
            OutboxStore outbox,
            GroupCrypto crypto,
            LocalDevice self,
            Clock clock) {
        this(db, store, messages, outbox, crypto, self, () -> false, clock);
    }

    /**
     * As {@link #Groups(Database, GroupStore, MessageStore, OutboxStore, GroupCrypto, LocalDevice,
     * BooleanSupplier, SessionDevices, Clock)}, for a device that does not track which devices of a
     * member hold its sender key (tests below the client).
     */
    public Groups(
            Database db,
            GroupStore store,
            MessageStore messages,
            OutboxStore outbox,
            GroupCrypto crypto,
            LocalDevice self,
            BooleanSupplier ownDevices,
            Clock clock) {
        this(
                db,
                store,
                messages,
                outbox,
                crypto,
                self,
                ownDevices,
                account -> Collections.<Integer>emptyList(),
                clock);
    }

    /** The devices of an account this device has a session with. */
    @FunctionalInterface
    public interface SessionDevices {
        List<Integer> of(String account);
    }

    /**
     * @param ownDevices whether this account has other devices (this device has a session with
     *     one): they then get every snapshot, this device's sender keys and its group messages too
     * @param sessionDevices the devices of an account this device has sessions with: a member's
     *     device that appears after it was handed this device's sender key (a device linked later)
     *     is handed the key again before the next group message
     */
    public Groups(
            Database db,
            GroupStore store,
            MessageStore messages,
            OutboxStore outbox,
            GroupCrypto crypto,
            LocalDevice self,
            BooleanSupplier ownDevices,
            SessionDevices sessionDevices,
            Clock clock) {
        this.ownDevices = ownDevices;
        this.sessionDevices = sessionDevices;
        this.db = db;
        this.store = store;
        this.messages = messages;
        this.outbox = outbox;
        this.crypto = crypto;
        this.self = self;
        this.clock = clock;
        this.sealer = new Sealer(self.account(), self.device());
        this.snapshots = new Snapshots(store, outbox, self, ownDevices, clock);
        this.inbound = new GroupInbound(store, snapshots, crypto, self);
    }

    /**
     * Makes group messages disappear under their group's timer in {@code timers}: each is stamped
     * with it, and its relay expiry is at most that long. Called once, before the client starts.
     */
    public void disappearUnder(DisappearingStore timers) {
        this.timers = timers;
    }

    /** The rules for what arrives, over the same store. */
    public GroupInbound inbound() {
        return inbound;
    }

    public List<Group> list() {
        return store.all().stream().map(Snapshots::toGroup).collect(Compat.toList());
    }

    public Group create(String name, Collection<String> members) {
        checkName(name);
        Set<String> all = new TreeSet<>(members);
        all.add(self.account());
        checkSize(all);
        if (store.byName(name).stream().anyMatch(GroupStore.Row::active)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "a group named '" + name + "' exists");
        }
        String id = GroupId.random().value();
        GroupStore.Row row =
                new GroupStore.Row(id, name, self.account(), 1, List.copyOf(all), true, null, 1);
        return db.transaction(
                tx -> {
                    store.put(tx, row);
                    snapshots.publish(tx, row, Set.of());
                    return Snapshots.toGroup(row);
                });
    }

    public Group changeMembers(String ref, Collection<String> add, Collection<String> remove) {
        return db.transaction(
                tx -> {
                    GroupStore.Row row = requireAdmin(resolve(ref));
                    Set<String> members = new TreeSet<>(row.members());
                    members.addAll(add);
                    Set<String> removed = new TreeSet<>(remove);
                    removed.remove(self.account());
                    removed.retainAll(members);
                    members.removeAll(removed);
                    checkSize(members);
                    GroupStore.Row next =
                            Snapshots.next(
                                    row,
                                    self.account(),
                                    row.epoch() + 1,
                                    List.copyOf(members),
                                    true,
                                    row.ownKey());
                    snapshots.apply(tx, row, next);
                    snapshots.publish(tx, next, removed);
                    return Snapshots.toGroup(next);
                });
    }

    public void leave(String ref) {
        db.transaction(
                tx -> {
                    GroupStore.Row row = resolveActive(ref);
                    Set<String> rest = new TreeSet<>(row.members());
                    rest.remove(self.account());
                    if (row.admin().equals(self.account())) {
                        if (!rest.isEmpty()) {
                            // the admin hands the group over before it goes
                            GroupStore.Row handover =
                                    Snapshots.next(
                                            row,
                                            rest.iterator().next(),
                                            row.epoch() + 1,
                                            List.copyOf(rest),
                                            true,
                                            null);
                            snapshots.publish(tx, handover, Set.of());
                        }
                    } else {
                        snapshots.queue(tx, row.admin(), Content.encodeGroupLeave(row.groupId()));
                    }
                    store.put(
                            tx,
                            Snapshots.next(
                                    row, row.admin(), row.epoch(), row.members(), false, null));
                    store.setOwnKey(tx, row.groupId(), null);
                    return null;
                });
    }

    /**
     * Stores an outgoing group message and queues it, behind the distribution of this device's
     * sender key to every member that does not hold it yet.
     *
     * <p>Its commit is not synced on its own, as with a 1:1 message ({@code SendQueue}): nothing
     * leaves the device before the outbox thread's synced commit, which syncs this one too. A power
     * failure before that loses the never-sent message together with the sequence number and the
     * key distribution it took.
     */
    public OutgoingHandle send(String ref, String text, OutboxResults results) {
        MessageId id = MessageId.random();
        OutgoingHandle handle = new OutgoingHandle(id, messages);
        results.track(handle);
        try {
            long row =
                    db.transactionUnsynced(
                            tx -> {
                                GroupStore.Row g = resolveActive(ref);
                                distributeKey(tx, g);
                                long seq = store.takeSeq(tx, g.groupId());
                                long now = clock.millis();
                                String marker = Sealer.groupMarker(g.groupId());
                                long timer = timers == null ? 0 : timers.seconds(marker);
                                long expiresAt = Sealer.expiresAt(now, timer);
                                byte[] sealed =
                                        sealer.seal(
                                                SealedPayload.KIND_MESSAGE,
                                                marker,
                                                id,
                                                now,
                                                expiresAt,
                                                Content.encodeGroupText(seq, text));
                                long r =
                                        messages.insertOutgoingGroup(
                                                tx,
                                                g.groupId(),
                                                marker,
                                                self.device(),
                                                id.value(),
                                                text,
                                                now);
                                outbox.insert(tx, r, marker, id.value(), expiresAt, sealed, now);
                                if (timer > 0) {
                                    timers.stamp(tx, r, timer);
                                }
                                GroupReadStore.track(
                                        tx, r, g.groupId(), Math.max(0, g.members().size() - 1));
                                return r;
                            });
            handle.stored(row);
        } catch (RuntimeException e) {
            results.untrack(handle);
            throw e;
        }
        return handle;
    }

    @Override
    public Optional<List<String>> recipients(String groupId) {
        return db.read(tx -> store.find(tx, groupId))
                .filter(GroupStore.Row::active)
                .map(
                        r -> {
                            List<String> to = new ArrayList<>(r.members());
                            // this account's other devices get a copy, this device none
                            to.remove(self.account());
                            if (ownDevices.getAsBoolean()) {
                                to.add(self.account());
                            }
                            return List.copyOf(to);
                        });
    }

    @Override
    public UUID prepareKey(String groupId) {
        return db.transaction(
                tx -> {
                    GroupStore.Row g =
                            store.find(tx, groupId)
                                    .orElseThrow(() -> new IllegalStateException("no group"));
                    return UUID.fromString(distributeKey(tx, g));
                });
    }

    /**
     * Hands this device's sender key of every group it is an active member of to the members that
     * do not hold it yet. A device linked a moment ago does this at its first start: the members'
     * devices open it and so get a session with the new device, and their next group message then
     * hands their own key to it first.
     *
     * @return whether anything was queued
     */
    public boolean distributeKeys() {
        return db.transaction(
                tx -> {
                    boolean any = false;
                    for (GroupStore.Row g : store.all()) {
                        if (g.active()) {
                            distributeKey(tx, g);
                            any = true;
                        }
                    }
                    return any;
                });
    }

    // ---- internals ----

    /**
     * Whether {@code member} has a device with a session that was not handed this device's current
     * sender key (it appeared later: a device linked since).
     */
    private boolean lacksKey(Tx tx, String groupId, String member) {
        List<Integer> devices = sessionDevices.of(member);
        return !devices.isEmpty() && !store.holderDevices(tx, groupId, member).containsAll(devices);
    }

    private String distributeKey(Tx tx, GroupStore.Row g) {
        String key = g.ownKey();
        if (key == null) {
            key = UUID.randomUUID().toString();
            store.setOwnKey(tx, g.groupId(), key);
        }
        Set<String> holders = store.holders(tx, g.groupId());
        byte[] distribution = null;
        List<String> to = new ArrayList<>(g.members());
        if (!ownDevices.getAsBoolean()) {
            to.remove(self.account());
        }
        for (String member : to) {
            if (holders.contains(member) && !lacksKey(tx, g.groupId(), member)) {
                continue;
            }
            if (distribution == null) {
                distribution =
                        crypto.distribution(self.account(), self.device(), UUID.fromString(key));
            }
            // to every device of the member: one that holds the key already keeps its state
            snapshots.queue(tx, member, Content.encodeSenderKey(g.groupId(), distribution));
            store.addHolder(tx, g.groupId(), member);
            store.addHolderDevices(tx, g.groupId(), member, sessionDevices.of(member));
        }
        return key;
    }

    /**
     * The group {@code ref} names: if it parses as a group ID ({@link GroupId#parse}) of a group
     * this device knows, that group; otherwise the one with exactly that name, preferring the one
     * this account is still a member of.
     */
    private GroupStore.Row resolve(String ref) {
        return db.read(
                tx -> {
                    Optional<GroupId> id = parseId(ref);
                    if (id.isPresent()) {
                        Optional<GroupStore.Row> byId = store.find(tx, id.get().value());
                        if (byId.isPresent()) {
                            return byId.get();
                        }
                    }
                    List<GroupStore.Row> named = store.byName(ref);
                    if (named.isEmpty()) {
                        throw new ChatException(
                                ChatException.Reason.UNKNOWN_CONTACT,
                                "no group named '" + ref + "'");
                    }
                    if (named.size() > 1 && named.get(1).active()) {
                        throw new ChatException(
                                ChatException.Reason.INVALID_ARGUMENT,
                                "several groups are named '" + ref + "'; use the group ID");
                    }
                    return named.get(0);
                });
    }

    /** {@code ref} as a group ID, or empty if it is not one (then it is a name). */
    static Optional<GroupId> parseId(String ref) {
        try {
            return Optional.of(GroupId.parse(ref));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }

    /** The group {@code ref} names, which this account must be a member of. */
    private GroupStore.Row resolveActive(String ref) {
        GroupStore.Row row = resolve(ref);
        if (!row.active()) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "this account is not a member of '" + row.name() + "'");
        }
        return row;
    }

    private GroupStore.Row requireAdmin(GroupStore.Row row) {
        if (!row.active() || !row.admin().equals(self.account())) {
            throw new ChatException(
                    ChatException.Reason.REJECTED,
                    "only the admin of '" + row.name() + "' changes its members");
        }
        return row;
    }

    private static void checkName(String name) {
        if (Compat.isBlank(name)
                || name.getBytes(StandardCharsets.UTF_8).length > Content.MAX_GROUP_NAME_BYTES) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a group name is 1.." + Content.MAX_GROUP_NAME_BYTES + " UTF-8 bytes");
        }
    }

    private static void checkSize(Set<String> members) {
        if (members.size() > Content.MAX_GROUP_MEMBERS) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a group has at most " + Content.MAX_GROUP_MEMBERS + " members");
        }
    }
}
