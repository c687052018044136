package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one stored envelope did, told to the app once its transaction committed: it stored a message
 * ({@code rowId}, {@code message}, and the {@code gap} before it in a group), moved outgoing
 * messages to a new state (a receipt: {@code changed}, {@code state}, {@code groupReads}), changed
 * a group, carried out a sync from another device of this account (the app is told {@code notice}),
 * or nothing; {@code queued} if it queued something in the outbox (the outbox is woken).
 */
record Outcome(
        long rowId,
        IncomingMessage message,
        List<MessageId> changed,
        MessageState state,
        long gap,
        Group group,
        List<MessageId> groupReads,
        Consumer<ChatListener> notice,
        boolean queued) {
    static final Outcome NOTHING =
            new Outcome(0, null, List.of(), null, 0, null, List.of(), null, false);

    /** Nothing for the app, but something was queued in the outbox. */
    static final Outcome QUEUED =
            new Outcome(0, null, List.of(), null, 0, null, List.of(), null, true);

    /** A stored message, {@code gap} messages after the sender's previous one seen. */
    static Outcome message(long rowId, IncomingMessage message, long gap) {
        return new Outcome(rowId, message, List.of(), null, gap, null, List.of(), null, false);
    }

    /** A receipt that moved 1:1 messages ({@code changed}) and group messages to {@code state}. */
    static Outcome receipt(
            List<MessageId> changed, MessageState state, List<MessageId> groupReads) {
        return new Outcome(0, null, changed, state, 0, null, groupReads, null, false);
    }

    /** A group's new state, or nothing if {@code group} is null. */
    static Outcome group(Group group) {
        return group == null
                ? NOTHING
                : new Outcome(0, null, List.of(), null, 0, group, List.of(), null, false);
    }

    /** Something the app is told once the transaction committed (a sync from an own device). */
    static Outcome notice(Consumer<ChatListener> notice) {
        return new Outcome(0, null, List.of(), null, 0, null, List.of(), notice, false);
    }
}
