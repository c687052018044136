package dev.cipherline.sdk.internal.group;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * Keeps and publishes membership snapshots, for the admin's own changes ({@link Groups}) and for
 * the ones that arrive ({@link GroupInbound}): stores a new snapshot and carries out what changed
 * from the old one (removed members' keys forgotten, this device's key rotated), and queues a
 * snapshot or another group control message to members over the pairwise sessions.
 */
final class Snapshots {
    private final GroupStore store;
    private final OutboxStore outbox;
    private final Sealer sealer;
    private final LocalDevice self;
    private final Clock clock;
    private final BooleanSupplier ownDevices;

    Snapshots(
            GroupStore store,
            OutboxStore outbox,
            LocalDevice self,
            BooleanSupplier ownDevices,
            Clock clock) {
        this.ownDevices = ownDevices;
        this.store = store;
        this.outbox = outbox;
        this.sealer = new Sealer(self.account(), self.device());
        this.self = self;
        this.clock = clock;
    }

    /** Stores {@code next} and carries out what changed from {@code old} (null for a new group). */
    void apply(Tx tx, GroupStore.Row old, GroupStore.Row next) {
        store.put(tx, next);
        for (String m : next.members()) {
            store.setRemoved(tx, next.groupId(), m, false);
        }
        if (old == null) {
            return;
        }
        Set<String> gone = new TreeSet<>(old.members());
        gone.removeAll(next.members());
        if (!gone.isEmpty()) {
            for (String m : gone) {
                store.setRemoved(tx, next.groupId(), m, true);
                store.forgetSenderKeys(tx, next.groupId(), m);
            }
            // rotate: the next send creates a new key for the remaining members only
            store.setOwnKey(tx, next.groupId(), null);
        }
        if (!next.active()) {
            store.setOwnKey(tx, next.groupId(), null);
        }
    }

    /**
     * Sends the snapshot to its members and to {@code removed}, and to this account's other devices
     * if it has any (they apply their admin's snapshots like any member).
     */
    void publish(Tx tx, GroupStore.Row row, Set<String> removed) {
        byte[] body = Content.encodeGroupUpdate(snapshot(row));
        Set<String> to = new TreeSet<>(row.members());
        to.addAll(removed);
        if (!ownDevices.getAsBoolean()) {
            to.remove(self.account());
        }
        for (String member : to) {
            queue(tx, member, body);
        }
    }

    /** Queues a control message to {@code peer} over the pairwise session. */
    void queue(Tx tx, String peer, byte[] body) {
        sealer.queueControl(tx, outbox, peer, body, clock.millis());
    }

    /** The snapshot a stored row holds. */
    static Content.GroupUpdate snapshot(GroupStore.Row row) {
        return new Content.GroupUpdate(
                row.groupId(), row.epoch(), row.admin(), row.name(), row.members());
    }

    /** A copy of {@code row} with another admin, epoch, members, membership and own key. */
    static GroupStore.Row next(
            GroupStore.Row row,
            String admin,
            long epoch,
            List<String> members,
            boolean active,
            String ownKey) {
        return new GroupStore.Row(
                row.groupId(), row.name(), admin, epoch, members, active, ownKey, row.nextSeq());
    }

    static Group toGroup(GroupStore.Row r) {
        return new Group(
                new GroupId(r.groupId()),
                r.name(),
                new AccountId(r.admin()),
                r.epoch(),
                r.members().stream().map(AccountId::new).collect(Compat.toList()),
                r.active());
    }
}
