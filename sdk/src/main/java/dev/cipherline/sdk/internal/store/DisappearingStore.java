package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;
import static dev.cipherline.sdk.internal.store.Sql.number;

import dev.cipherline.sdk.MessageState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Disappearing messages in the store: the timer of each conversation (table {@code
 * disappearing_timers}, keyed by the peer's account ID for a 1:1 conversation and by the group's
 * marker for a group), and on each message the timer it was stored under ({@code disappear_after},
 * seconds) and, once that timer runs, its deadline ({@code disappear_at}, epoch milliseconds).
 *
 * <p>An outgoing message's timer runs from its {@code sent_at} as soon as it leaves the outbox (the
 * {@link MessageStore#setState} that moves it out of {@code PENDING} sets the deadline); an
 * incoming one's from the moment it is read ({@link #startRead}). {@link #deleteDue} deletes what
 * is due, with everything that names those messages.
 */
public final class DisappearingStore {
    /** The messages whose deadline has come (one argument: now). */
    private static final String DUE = "disappear_at IS NOT NULL AND disappear_at <= ?";

    /** A conversation's timer in seconds, if it is on (one argument: the conversation). */
    private static final String CURRENT =
            "SELECT seconds FROM disappearing_timers WHERE conversation = ? AND seconds > 0";

    private final Database db;

    /**
     * Whether any conversation ever had a timer here: until one does, the message paths skip every
     * query of this class. Only ever turns true (a rolled-back setting leaves it true, which costs
     * a few queries and changes nothing).
     */
    private volatile boolean anyTimer;

    public DisappearingStore(Database db) {
        this.db = db;
        this.anyTimer =
                db.sqlRead(
                        c ->
                                number(
                                                c,
                                                "SELECT EXISTS (SELECT 1 FROM disappearing_timers"
                                                        + " WHERE seconds > 0) OR EXISTS (SELECT 1"
                                                        + " FROM messages WHERE disappear_at IS NOT"
                                                        + " NULL)")
                                        == 1);
    }

    /** A conversation's timer setting: 0 seconds is off. */
    public record Timer(long seconds, long setAt, String setBy) {}

    /** A message that was deleted because its timer ran out. */
    public record Gone(String peer, String groupId, String clientMsgId) {}

    /** Whether any conversation ever had a timer on this device. */
    public boolean anyTimer() {
        return anyTimer;
    }

    /** The timer of {@code conversation}, if it was ever set. */
    public Optional<Timer> find(String conversation) {
        return db.sqlRead(c -> find(c, conversation));
    }

    /** The timer of {@code conversation} in the caller's transaction, if it was ever set. */
    public Optional<Timer> find(Tx tx, String conversation) {
        return tx.sql(c -> find(c, conversation));
    }

    private static Optional<Timer> find(java.sql.Connection c, String conversation)
            throws java.sql.SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT seconds, set_at, set_by FROM disappearing_timers WHERE"
                                + " conversation = ?")) {
            ps.setString(1, conversation);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Timer(rs.getLong(1), rs.getLong(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /** The seconds of {@code conversation}'s timer, 0 if it is off or was never set. */
    public long seconds(String conversation) {
        if (!anyTimer) {
            return 0;
        }
        return find(conversation).map(Timer::seconds).orElse(0L);
    }

    /**
     * Stores {@code timer} for {@code conversation} if it is newer than the stored one: a later
     * {@code setAt}, or the same with a greater {@code setBy} (so that two sides setting it at once
     * keep the same one).
     *
     * @return whether it was stored
     */
    public boolean putIfNewer(Tx tx, String conversation, Timer timer) {
        Optional<Timer> current = find(tx, conversation);
        if (current.isPresent() && !newer(timer, current.get())) {
            return false;
        }
        if (timer.seconds() > 0) {
            anyTimer = true;
        }
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT INTO disappearing_timers (conversation, seconds, set_at,"
                                        + " set_by) VALUES (?, ?, ?, ?) ON CONFLICT (conversation)"
                                        + " DO UPDATE SET seconds = excluded.seconds, set_at ="
                                        + " excluded.set_at, set_by = excluded.set_by",
                                conversation,
                                timer.seconds(),
                                timer.setAt(),
                                timer.setBy()));
        return true;
    }

    /** The convergence rule: the later setting wins, then the greater account ID. */
    static boolean newer(Timer candidate, Timer current) {
        if (candidate.setAt() != current.setAt()) {
            return candidate.setAt() > current.setAt();
        }
        return candidate.setBy().compareTo(current.setBy()) > 0;
    }

    /** Records that the message in row {@code row} was stored under a timer of {@code seconds}. */
    public void stamp(Tx tx, long row, long seconds) {
        if (seconds <= 0) {
            return;
        }
        tx.run(
                c ->
                        execute(
                                c,
                                "UPDATE messages SET disappear_after = ? WHERE id = ?",
                                seconds,
                                row));
    }

    /**
     * Records that the message in row {@code row} was stored under {@code conversation}'s current
     * timer, if it has one.
     */
    public void stampCurrent(Tx tx, long row, String conversation) {
        if (!anyTimer) {
            return;
        }
        tx.run(
                c ->
                        execute(
                                c,
                                "UPDATE messages SET disappear_after = ("
                                        + CURRENT
                                        + ") WHERE id = ?",
                                conversation,
                                row));
    }

    /**
     * Stamps the copy of a message that another device of this account sent ({@code peer}: the
     * account, or the group's marker; {@code senderDevice}, {@code clientMsgId}) with {@code
     * conversation}'s current timer and starts it at the message's {@code sent_at}, as on the
     * device that sent it.
     *
     * @return whether its timer started
     */
    public boolean stampCopy(
            Tx tx, String conversation, String peer, int senderDevice, String clientMsgId) {
        if (!anyTimer) {
            return false;
        }
        return tx.sql(
                c ->
                        execute(
                                        c,
                                        "UPDATE messages SET disappear_after = ("
                                                + CURRENT
                                                + "),"
                                                + " disappear_at = sent_at + ("
                                                + CURRENT
                                                + ") * 1000"
                                                + " WHERE peer = ? AND direction = ? AND sender_device = ?"
                                                + " AND client_msg_id = ? AND disappear_after IS NULL AND"
                                                + " EXISTS ("
                                                + CURRENT
                                                + ")",
                                        conversation,
                                        conversation,
                                        peer,
                                        MessageStore.OUTGOING,
                                        senderDevice,
                                        clientMsgId,
                                        conversation)
                                > 0);
    }

    /**
     * Starts, at {@code readAt}, the timer of every read incoming message of the 1:1 conversation
     * with {@code peer} (or of the group {@code groupId}, if not null) whose timer does not run
     * yet.
     *
     * @return how many timers started
     */
    public int startRead(Tx tx, String peer, String groupId, long readAt) {
        if (!anyTimer) {
            return 0;
        }
        return tx.sql(
                c ->
                        groupId == null
                                ? execute(
                                        c,
                                        "UPDATE messages SET disappear_at = ? + disappear_after *"
                                                + " 1000 WHERE peer = ? AND group_id IS NULL AND"
                                                + " direction = ? AND state = ? AND"
                                                + " disappear_after IS NOT NULL AND disappear_at IS"
                                                + " NULL",
                                        readAt,
                                        peer,
                                        MessageStore.INCOMING,
                                        MessageState.READ.name())
                                : execute(
                                        c,
                                        "UPDATE messages SET disappear_at = ? + disappear_after *"
                                                + " 1000 WHERE group_id = ? AND direction = ? AND"
                                                + " state = ? AND disappear_after IS NOT NULL AND"
                                                + " disappear_at IS NULL",
                                        readAt,
                                        groupId,
                                        MessageStore.INCOMING,
                                        MessageState.READ.name()));
    }

    /** The earliest deadline of a message whose timer runs, if any. */
    public Optional<Long> nextDeadline() {
        if (!anyTimer) {
            return Optional.empty();
        }
        Long next =
                db.sqlRead(
                        c ->
                                number(
                                        c,
                                        "SELECT MIN(disappear_at) FROM messages WHERE disappear_at"
                                                + " IS NOT NULL"));
        // MIN over no rows is NULL, which the driver reads as 0
        return next == null || next == 0 ? Optional.empty() : Optional.of(next);
    }

    /**
     * Deletes every message whose deadline is at or before {@code now}, in one transaction, with
     * what names it: its outbox entry, the receipts still owed for it, its group read state. The
     * IDs of deleted incoming messages are remembered (like a deletion by the user) so that a
     * redelivery is dropped, not shown again.
     *
     * @return the deleted messages, oldest first
     */
    public List<Gone> deleteDue(long now, long rememberUntil) {
        if (!anyTimer) {
            return java.util.Collections.emptyList();
        }
        return db.sqlTransaction(
                c -> {
                    List<Gone> gone = new ArrayList<>();
                    try (PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT peer, group_id, client_msg_id FROM messages WHERE "
                                            + DUE
                                            + " ORDER BY id")) {
                        ps.setLong(1, now);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                gone.add(
                                        new Gone(
                                                rs.getString(1), rs.getString(2), rs.getString(3)));
                            }
                        }
                    }
                    if (gone.isEmpty()) {
                        return gone;
                    }
                    execute(
                            c,
                            "INSERT OR IGNORE INTO seen_envelopes (sender, sender_device,"
                                    + " client_msg_id, expires_at) SELECT peer, sender_device,"
                                    + " client_msg_id, ? FROM messages WHERE direction = ? AND "
                                    + DUE,
                            rememberUntil,
                            MessageStore.INCOMING,
                            now);
                    execute(
                            c,
                            "DELETE FROM outbox WHERE message_id IN (SELECT id FROM messages WHERE "
                                    + DUE
                                    + ")",
                            now);
                    execute(
                            c,
                            "DELETE FROM receipt_queue WHERE EXISTS (SELECT 1 FROM messages m"
                                    + " WHERE m.peer = receipt_queue.peer AND m.client_msg_id ="
                                    + " receipt_queue.client_msg_id AND m.direction = ? AND "
                                    + DUE
                                    + ")",
                            MessageStore.INCOMING,
                            now);
                    execute(
                            c,
                            "DELETE FROM group_read_state WHERE message_id IN (SELECT id FROM"
                                    + " messages WHERE "
                                    + DUE
                                    + ")",
                            now);
                    execute(c, "DELETE FROM messages WHERE " + DUE, now);
                    return gone;
                });
    }
}
