package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.protocol.AccountIds;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.GroupSending;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Groups: membership snapshots, sender keys and group messages on the sending side, and the rules
 * every member applies to what it receives.
 *
 * <p><b>Ordering rule.</b> Only a group's admin changes its membership. Each change is a full
 * snapshot (name, admin, members) with an epoch one above the admin's previous one, sent to every
 * member (and to removed members) over the pairwise sessions. A member applies a snapshot only if
 * it comes from the admin it knows (for a group it does not know: from the admin the snapshot
 * names, and only if it lists this account) and its epoch is higher than the stored one; at an
 * equal epoch (two devices of the admin) the snapshot whose encoding is greater wins. So every
 * member ends in the same state whatever it missed or in which order snapshots arrived. A member
 * leaves by sending a leave to the admin, who publishes the next snapshot; an admin that leaves
 * hands the group to the smallest remaining account ID.
 *
 * <p><b>Sender keys.</b> Each device has one sender key per group and hands its distribution
 * message to every member over the pairwise session before its first group message, queued in the
 * outbox ahead of it. When a snapshot removes anyone, every remaining member forgets its own key
 * and creates a new one at its next send, which goes to the remaining members only; the removed
 * member's received keys are deleted and its group messages refused.
 *
 * <p>Why one class of about 500 lines: the two rules above are applied both by the app's calls and
 * to what arrives ({@code apply} and {@code publish} serve both), and kept in one class they are
 * written once. A group message is queued here and sent by the outbox ({@code internal.outbound}).
 */
final class Groups implements GroupSending {
    private final Database db;
    private final GroupStore store;
    private final MessageStore messages;
    private final OutboxStore outbox;
    private final GroupCrypto crypto;
    private final String ownAccount;
    private final int ownDevice;
    private final Clock clock;
    private final Sealer sealer;

    Groups(
            Database db,
            GroupStore store,
            MessageStore messages,
            OutboxStore outbox,
            GroupCrypto crypto,
            String ownAccount,
            int ownDevice,
            Clock clock) {
        this.db = db;
        this.store = store;
        this.messages = messages;
        this.outbox = outbox;
        this.crypto = crypto;
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
        this.clock = clock;
        this.sealer = new Sealer(ownAccount, ownDevice);
    }

    // ---- the app's calls ----

    List<Group> list() {
        return store.all().stream().map(Groups::toGroup).toList();
    }

    Group create(String name, Collection<String> members) {
        checkName(name);
        Set<String> all = new TreeSet<>(members);
        all.add(ownAccount);
        checkSize(all);
        if (store.byName(name).stream().anyMatch(GroupStore.Row::active)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "a group named '" + name + "' exists");
        }
        String id = GroupId.random().value();
        GroupStore.Row row =
                new GroupStore.Row(id, name, ownAccount, 1, List.copyOf(all), true, null, 1);
        return db.transaction(
                c -> {
                    store.put(c, row);
                    publish(c, row, Set.of());
                    return toGroup(row);
                });
    }

    Group changeMembers(String ref, Collection<String> add, Collection<String> remove) {
        return db.transaction(
                c -> {
                    GroupStore.Row row = requireAdmin(c, resolve(ref));
                    Set<String> members = new TreeSet<>(row.members());
                    members.addAll(add);
                    Set<String> removed = new TreeSet<>(remove);
                    removed.remove(ownAccount);
                    removed.retainAll(members);
                    members.removeAll(removed);
                    checkSize(members);
                    GroupStore.Row next =
                            new GroupStore.Row(
                                    row.groupId(),
                                    row.name(),
                                    ownAccount,
                                    row.epoch() + 1,
                                    List.copyOf(members),
                                    true,
                                    row.ownKey(),
                                    row.nextSeq());
                    apply(c, row, next);
                    publish(c, next, removed);
                    return toGroup(next);
                });
    }

    void leave(String ref) {
        db.transaction(
                c -> {
                    GroupStore.Row row = resolveActive(ref);
                    Set<String> rest = new TreeSet<>(row.members());
                    rest.remove(ownAccount);
                    if (row.admin().equals(ownAccount)) {
                        if (!rest.isEmpty()) {
                            // the admin hands the group over before it goes
                            GroupStore.Row handover =
                                    new GroupStore.Row(
                                            row.groupId(),
                                            row.name(),
                                            rest.iterator().next(),
                                            row.epoch() + 1,
                                            List.copyOf(rest),
                                            true,
                                            null,
                                            row.nextSeq());
                            publish(c, handover, Set.of());
                        }
                    } else {
                        queue(c, row.admin(), Content.encodeGroupLeave(row.groupId()));
                    }
                    store.put(
                            c,
                            new GroupStore.Row(
                                    row.groupId(),
                                    row.name(),
                                    row.admin(),
                                    row.epoch(),
                                    row.members(),
                                    false,
                                    null,
                                    row.nextSeq()));
                    store.setOwnKey(c, row.groupId(), null);
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
    OutgoingHandle send(String ref, String text, OutboxResults results) {
        MessageId id = MessageId.random();
        OutgoingHandle handle = new OutgoingHandle(id, messages);
        results.track(handle);
        try {
            long row =
                    db.transactionUnsynced(
                            c -> {
                                GroupStore.Row g = resolveActive(ref);
                                distributeKey(c, g);
                                long seq = store.takeSeq(c, g.groupId());
                                long now = clock.millis();
                                long expiresAt = now + Sealer.DEFAULT_EXPIRY.toMillis();
                                String marker = Sealer.groupMarker(g.groupId());
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
                                                c,
                                                g.groupId(),
                                                marker,
                                                ownDevice,
                                                id.value(),
                                                text,
                                                now);
                                outbox.insert(c, r, marker, id.value(), expiresAt, sealed, now);
                                GroupReadStore.track(
                                        c, r, g.groupId(), Math.max(0, g.members().size() - 1));
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
        return db.read(c -> store.find(c, groupId))
                .filter(GroupStore.Row::active)
                .map(r -> r.members().stream().filter(m -> !m.equals(ownAccount)).toList());
    }

    @Override
    public UUID prepareKey(String groupId) {
        return db.transaction(
                c -> {
                    GroupStore.Row g =
                            store.find(c, groupId)
                                    .orElseThrow(() -> new IllegalStateException("no group"));
                    return UUID.fromString(distributeKey(c, g));
                });
    }

    // ---- what arrives (inbound thread, inside the envelope's transaction) ----

    /** Applies a snapshot by the rule in the class comment; returns the new state or null. */
    Group onUpdate(Connection c, String sender, Content.GroupUpdate u) throws SQLException {
        if (!AccountIds.isValid(u.admin())
                || u.members().stream().anyMatch(m -> !AccountIds.isValid(m))
                || !u.members().contains(u.admin())) {
            return null;
        }
        Optional<GroupStore.Row> current = store.find(c, u.groupId());
        boolean listed = u.members().contains(ownAccount);
        if (current.isEmpty()) {
            if (!sender.equals(u.admin()) || !listed) {
                return null;
            }
        } else {
            GroupStore.Row row = current.get();
            if (!sender.equals(row.admin())) {
                return null;
            }
            if (u.epoch() < row.epoch()
                    || (u.epoch() == row.epoch()
                            && Arrays.compare(Content.encodeGroupUpdate(u), encode(row)) <= 0)) {
                return null;
            }
        }
        GroupStore.Row old = current.orElse(null);
        GroupStore.Row next =
                new GroupStore.Row(
                        u.groupId(),
                        u.name(),
                        u.admin(),
                        u.epoch(),
                        new ArrayList<>(new TreeSet<>(u.members())),
                        listed,
                        old == null ? null : old.ownKey(),
                        old == null ? 1 : old.nextSeq());
        apply(c, old, next);
        return toGroup(next);
    }

    /** A member left: the admin publishes the next snapshot without it. */
    Group onLeave(Connection c, String sender, Content.GroupLeave leave) throws SQLException {
        Optional<GroupStore.Row> current = store.find(c, leave.groupId());
        if (current.isEmpty()
                || !current.get().active()
                || !current.get().admin().equals(ownAccount)
                || !current.get().members().contains(sender)) {
            return null;
        }
        GroupStore.Row row = current.get();
        List<String> members = row.members().stream().filter(m -> !m.equals(sender)).toList();
        GroupStore.Row next =
                new GroupStore.Row(
                        row.groupId(),
                        row.name(),
                        ownAccount,
                        row.epoch() + 1,
                        members,
                        true,
                        row.ownKey(),
                        row.nextSeq());
        apply(c, row, next);
        publish(c, next, Set.of());
        return toGroup(next);
    }

    /** Stores a member's sender key and remembers which group it is for. */
    void onSenderKey(Connection c, String sender, int senderDevice, Content.SenderKey key)
            throws SQLException, CryptoException {
        UUID distributionId = crypto.process(sender, senderDevice, key.distribution());
        store.mapSenderKey(c, sender, senderDevice, distributionId.toString(), key.groupId());
    }

    /**
     * The group a decrypted group message belongs to, checked: the sender key was distributed for
     * it and the sender was not removed from it. Null if the message must be refused.
     */
    String groupOfKey(Connection c, String sender, int senderDevice, UUID distributionId)
            throws SQLException {
        String groupId = store.senderKeyGroup(c, sender, senderDevice, distributionId.toString());
        if (groupId == null || store.isRemoved(c, groupId, sender)) {
            return null;
        }
        return groupId;
    }

    /** Whether this account is currently out of a group it knows (left or removed). */
    boolean isInactive(Connection c, String groupId) throws SQLException {
        return store.find(c, groupId).map(r -> !r.active()).orElse(false);
    }

    /**
     * Records a sender's sequence number; returns how many of its messages are missing between the
     * newest one seen before and this one. The first message from a device only sets the baseline:
     * earlier ones may predate this account's membership.
     */
    long gap(Connection c, String groupId, String sender, int senderDevice, long seq)
            throws SQLException {
        long previous = store.advanceSeq(c, groupId, sender, senderDevice, seq);
        return previous > 0 && seq > previous + 1 ? seq - previous - 1 : 0;
    }

    // ---- internals ----

    /** Stores {@code next} and carries out what changed from {@code old}. */
    private void apply(Connection c, GroupStore.Row old, GroupStore.Row next) throws SQLException {
        store.put(c, next);
        for (String m : next.members()) {
            store.setRemoved(c, next.groupId(), m, false);
        }
        if (old == null) {
            return;
        }
        Set<String> gone = new TreeSet<>(old.members());
        gone.removeAll(next.members());
        if (!gone.isEmpty()) {
            for (String m : gone) {
                store.setRemoved(c, next.groupId(), m, true);
                store.forgetSenderKeys(c, next.groupId(), m);
            }
            // rotate: the next send creates a new key for the remaining members only
            store.setOwnKey(c, next.groupId(), null);
        }
        if (!next.active()) {
            store.setOwnKey(c, next.groupId(), null);
        }
    }

    /** Sends the snapshot to its members and to {@code removed}. */
    private void publish(Connection c, GroupStore.Row row, Set<String> removed)
            throws SQLException {
        byte[] body = encode(row);
        Set<String> to = new TreeSet<>(row.members());
        to.addAll(removed);
        to.remove(ownAccount);
        for (String member : to) {
            queue(c, member, body);
        }
    }

    private String distributeKey(Connection c, GroupStore.Row g) throws SQLException {
        String key = g.ownKey();
        if (key == null) {
            key = UUID.randomUUID().toString();
            store.setOwnKey(c, g.groupId(), key);
        }
        Set<String> holders = store.holders(c, g.groupId());
        byte[] distribution = null;
        for (String member : g.members()) {
            if (member.equals(ownAccount) || holders.contains(member)) {
                continue;
            }
            if (distribution == null) {
                distribution = crypto.distribution(ownAccount, ownDevice, UUID.fromString(key));
            }
            queue(c, member, Content.encodeSenderKey(g.groupId(), distribution));
            store.addHolder(c, g.groupId(), member);
        }
        return key;
    }

    /** Queues a control message to {@code peer} over the pairwise session. */
    private void queue(Connection c, String peer, byte[] body) throws SQLException {
        sealer.queueControl(c, outbox, peer, body, clock.millis());
    }

    private GroupStore.Row resolve(String ref) {
        return db.read(
                c -> {
                    if (ref.length() == 32) {
                        try {
                            Optional<GroupStore.Row> byId =
                                    store.find(c, GroupId.parse(ref).value());
                            if (byId.isPresent()) {
                                return byId.get();
                            }
                        } catch (IllegalArgumentException notAnId) {
                            // a name that happens to be 32 characters long
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

    private GroupStore.Row requireAdmin(Connection c, GroupStore.Row row) {
        if (!row.active() || !row.admin().equals(ownAccount)) {
            throw new ChatException(
                    ChatException.Reason.REJECTED,
                    "only the admin of '" + row.name() + "' changes its members");
        }
        return row;
    }

    private static byte[] encode(GroupStore.Row row) {
        return Content.encodeGroupUpdate(
                new Content.GroupUpdate(
                        row.groupId(), row.epoch(), row.admin(), row.name(), row.members()));
    }

    private static void checkName(String name) {
        if (name.isBlank()
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

    static Group toGroup(GroupStore.Row r) {
        return new Group(
                new GroupId(r.groupId()),
                r.name(),
                new AccountId(r.admin()),
                r.epoch(),
                r.members().stream().map(AccountId::new).toList(),
                r.active());
    }
}
