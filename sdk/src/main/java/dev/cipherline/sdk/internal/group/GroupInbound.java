package dev.cipherline.sdk.internal.group;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The group rules applied to what arrives, on the inbound thread inside the envelope's transaction:
 * membership snapshots (by {@link Membership}), leaves (the admin publishes the next snapshot),
 * sender keys, which group a sender key belongs to, and gaps in a sender's group messages.
 */
public final class GroupInbound {
    private final GroupStore store;
    private final Snapshots snapshots;
    private final GroupCrypto crypto;
    private final LocalDevice self;

    GroupInbound(GroupStore store, Snapshots snapshots, GroupCrypto crypto, LocalDevice self) {
        this.store = store;
        this.snapshots = snapshots;
        this.crypto = crypto;
        this.self = self;
    }

    /** Applies a snapshot if {@link Membership} keeps it; returns the new state or null. */
    public Group onUpdate(Tx tx, String sender, Content.GroupUpdate u) {
        Optional<GroupStore.Row> current = store.find(tx, u.groupId());
        Optional<Membership.Kept> kept =
                Membership.converge(current.map(Snapshots::snapshot), sender, u, self.account());
        if (!kept.isPresent()) {
            return null;
        }
        Content.GroupUpdate s = kept.get().snapshot();
        GroupStore.Row old = current.orElse(null);
        GroupStore.Row next =
                new GroupStore.Row(
                        s.groupId(),
                        s.name(),
                        s.admin(),
                        s.epoch(),
                        s.members(),
                        kept.get().active(),
                        old == null ? null : old.ownKey(),
                        old == null ? 1 : old.nextSeq());
        snapshots.apply(tx, old, next);
        return Snapshots.toGroup(next);
    }

    /** A member left: the admin publishes the next snapshot without it; returns it or null. */
    public Group onLeave(Tx tx, String sender, Content.GroupLeave leave) {
        Optional<GroupStore.Row> current = store.find(tx, leave.groupId());
        if (!current.isPresent()
                || !current.get().active()
                || !current.get().admin().equals(self.account())
                || !current.get().members().contains(sender)) {
            return null;
        }
        GroupStore.Row row = current.get();
        List<String> members =
                row.members().stream().filter(m -> !m.equals(sender)).collect(Compat.toList());
        GroupStore.Row next =
                Snapshots.next(row, self.account(), row.epoch() + 1, members, true, row.ownKey());
        snapshots.apply(tx, row, next);
        snapshots.publish(tx, next, Set.of());
        return Snapshots.toGroup(next);
    }

    /** Stores a member's sender key and remembers which group it is for. */
    public void onSenderKey(Tx tx, String sender, int senderDevice, Content.SenderKey key)
            throws CryptoException {
        UUID distributionId = crypto.process(sender, senderDevice, key.distribution());
        store.mapSenderKey(tx, sender, senderDevice, distributionId.toString(), key.groupId());
    }

    /**
     * The group a decrypted group message belongs to, checked: the sender key was distributed for
     * it and the sender was not removed from it. Null if the message must be refused.
     */
    public String groupOfKey(Tx tx, String sender, int senderDevice, UUID distributionId) {
        String groupId = store.senderKeyGroup(tx, sender, senderDevice, distributionId.toString());
        if (groupId == null || store.isRemoved(tx, groupId, sender)) {
            return null;
        }
        return groupId;
    }

    /** Whether this account is currently out of a group it knows (left or removed). */
    public boolean isInactive(Tx tx, String groupId) {
        return store.find(tx, groupId).map(r -> !r.active()).orElse(false);
    }

    /**
     * Records a sender's sequence number; returns how many of its messages are missing between the
     * newest one seen before and this one. The first message from a device only sets the baseline:
     * earlier ones may predate this account's membership.
     */
    public long gap(Tx tx, String groupId, String sender, int senderDevice, long seq) {
        long previous = store.advanceSeq(tx, groupId, sender, senderDevice, seq);
        return previous > 0 && seq > previous + 1 ? seq - previous - 1 : 0;
    }
}
