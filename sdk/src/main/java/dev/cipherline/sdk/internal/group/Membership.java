package dev.cipherline.sdk.internal.group;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.content.Content;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The membership convergence rule, as a pure function: which membership snapshot a member keeps
 * when one arrives. Applied by every member to every snapshot, it makes all members end in the same
 * state whatever they missed and in whatever order snapshots arrived.
 *
 * <p>The rule. A snapshot (group ID, epoch, admin, name, members) is only ever made by a group's
 * admin, with an epoch one above the admin's previous one. An arriving snapshot is
 *
 * <ol>
 *   <li>ignored if it is malformed: its admin or a member is not an account ID, or its admin is not
 *       one of its members;
 *   <li>for a group this device does not know: kept only if its sender is the admin it names and it
 *       lists this account (nobody can put a stranger's device into a group it did not join by
 *       proxy, and a removal snapshot for an unknown group means nothing);
 *   <li>for a known group: ignored unless its sender is the admin of the kept snapshot (an admin
 *       hands the group over by naming its successor in a snapshot of its own); then kept if its
 *       epoch is higher than the kept one's, or, at an equal epoch (two devices of the admin
 *       raced), if its encoding is greater byte by byte ({@code Arrays.compare(byte[], byte[])},
 *       signed), so both racing members pick the same one; an older or equal snapshot is ignored.
 * </ol>
 *
 * A kept snapshot's members are sorted and deduplicated, and this account is an active member of
 * the group exactly if the snapshot lists it.
 */
public final class Membership {
    private Membership() {}

    /**
     * A kept snapshot.
     *
     * @param snapshot the snapshot with its members sorted and deduplicated
     * @param active whether it lists this account
     */
    public record Kept(Content.GroupUpdate snapshot, boolean active) {}

    /**
     * Decides whether to keep {@code arrived}, sent by {@code sender}, over {@code current} (the
     * kept snapshot of the same group, or empty for a group this device does not know), by the rule
     * in the class comment.
     *
     * @param self this account's ID
     * @return the snapshot to keep, or empty to ignore {@code arrived}
     */
    public static Optional<Kept> converge(
            Optional<Content.GroupUpdate> current,
            String sender,
            Content.GroupUpdate arrived,
            String self) {
        if (!wellFormed(arrived)) {
            return Optional.empty();
        }
        boolean listed = arrived.members().contains(self);
        if (!current.isPresent()) {
            if (!sender.equals(arrived.admin()) || !listed) {
                return Optional.empty();
            }
        } else if (!sender.equals(current.get().admin()) || !newer(arrived, current.get())) {
            return Optional.empty();
        }
        List<String> members = List.copyOf(new TreeSet<>(arrived.members()));
        return Optional.of(
                new Kept(
                        new Content.GroupUpdate(
                                arrived.groupId(),
                                arrived.epoch(),
                                arrived.admin(),
                                arrived.name(),
                                members),
                        listed));
    }

    private static boolean wellFormed(Content.GroupUpdate u) {
        return AccountIds.isValid(u.admin())
                && u.members().stream().allMatch(AccountIds::isValid)
                && u.members().contains(u.admin());
    }

    /**
     * Whether {@code arrived} replaces {@code current}: a higher epoch, or the greater encoding.
     */
    private static boolean newer(Content.GroupUpdate arrived, Content.GroupUpdate current) {
        if (arrived.epoch() != current.epoch()) {
            return arrived.epoch() > current.epoch();
        }
        return Compat.compare(
                        Content.encodeGroupUpdate(arrived), Content.encodeGroupUpdate(current))
                > 0;
    }
}
