package dev.cipherline.sdk;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A group as this device currently knows it, from the newest membership snapshot it applied.
 *
 * @param id the group's permanent ID
 * @param name the group's name, chosen by its admin
 * @param admin the only account whose membership changes every member applies
 * @param epoch the snapshot's version: every change by the admin increments it
 * @param members every member account, this account included while it is a member, sorted
 * @param active whether this account is a member (false after it left or was removed)
 * @param disappearingTimer the group's disappearing-message timer ({@link
 *     Groups#setDisappearingTimer}), {@link Duration#ZERO} when it is off
 */
public record Group(
        GroupId id,
        String name,
        AccountId admin,
        long epoch,
        List<AccountId> members,
        boolean active,
        Duration disappearingTimer) {
    /** Checks and copies the values. */
    public Group {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(disappearingTimer, "disappearingTimer");
        members = List.copyOf(members);
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be positive");
        }
    }

    /** A group without a disappearing-message timer. */
    public Group(
            GroupId id,
            String name,
            AccountId admin,
            long epoch,
            List<AccountId> members,
            boolean active) {
        this(id, name, admin, epoch, members, active, Duration.ZERO);
    }

    /** This group with another disappearing-message timer. */
    public Group withDisappearingTimer(Duration timer) {
        return new Group(id, name, admin, epoch, members, active, timer);
    }
}
