package dev.cipherline.sdk;

import java.util.List;

/**
 * Receives what happens in a {@link ChatClient}. Every method has a no-op default.
 *
 * <p><b>Threading:</b> all callbacks come on one SDK thread named {@code cipherline-events}, one at
 * a time, in the order the events happened. Implementations must not block for long: while a
 * callback runs, no other callback is made (the client keeps receiving and storing in the
 * background). A callback that throws is logged and does not stop later callbacks. {@link
 * #onClosed()} is the last callback.
 */
public interface ChatListener {
    /**
     * A message arrived. It is already stored; each message is handed over exactly once (if the
     * process stops before this returns, it is handed over again on the next start), in the
     * sender's order.
     */
    default void onMessage(IncomingMessage message) {}

    /**
     * Another device of this account sent {@code message} ({@link StoredMessage#otherDevice()}
     * true) to its peer, or to {@code group} if that is not null (the message's peer is then this
     * account, as for this device's own group messages). It is now in this device's history as
     * outgoing, in state {@code SENT}; receipts then move a 1:1 message like this device's own
     * ({@link #onMessageState}). Called after the copy was stored; the history is what counts: a
     * copy stored while no listener was set, or just before the app was killed, is not reported
     * again.
     */
    default void onSentOnOtherDevice(StoredMessage message, @Nullable GroupId group) {}

    /**
     * The user read the conversation with {@code peer}, or the group {@code group}, on another
     * device of this account (exactly one of the two is not null): the messages read there are now
     * read here too ({@link Conversation#unreadCount()}, {@link Groups#unreadCount}), and this
     * device sends no read receipts for them (the other device did).
     */
    default void onReadOnOtherDevice(@Nullable AccountId peer, @Nullable GroupId group) {}

    /**
     * An outgoing message moved to a new state: {@code SENT} when the relay accepted it, {@code
     * DELIVERED} and {@code READ} when the recipient's receipts arrive, or {@code FAILED}. Called
     * once per change, in the order of the changes; states only move forward, and a receipt that
     * arrives twice is not reported twice. A read receipt that arrives before its delivery receipt
     * (e.g. from another device of the recipient) is reported as {@code READ} alone.
     */
    default void onMessageState(MessageId id, MessageState state) {}

    /**
     * An outgoing message failed for good, with the reason in one sentence (e.g. the relay knows no
     * such account, the envelope is too large, a key bundle did not match the account ID). Called
     * right after {@link #onMessageState} with {@code FAILED}; {@link StoredMessage#failure()}
     * keeps the reason.
     */
    default void onMessageFailed(MessageId id, String reason) {}

    /**
     * {@code from} started ({@code true}) or stopped ({@code false}) typing a message to this
     * account. Typing indicators are ephemeral: they reach only devices connected at that moment
     * and are never stored, so an app should treat "typing" as over when no refresh came for about
     * 15 seconds, and when a message from {@code from} arrives.
     */
    default void onTyping(AccountId from, boolean typing) {}

    /**
     * A group was created with this account as a member, or its name, admin or members changed, or
     * this account left or was removed ({@link Group#active()} false). Called after the new
     * snapshot is stored, once per applied change, in the order every member applies them.
     */
    default void onGroupChanged(Group group) {}

    /**
     * Group messages from {@code from}'s device {@code fromDevice} are missing: the message just
     * handed over is {@code missing + 1} ahead of the newest one this device had received from it
     * in {@code group} (the others expired or were refused at the relay). Called just before that
     * message's {@link #onMessage}; a late one that does arrive is still handed over. The first
     * message from a device only sets the baseline.
     */
    default void onGroupGap(GroupId group, AccountId from, int fromDevice, long missing) {}

    /**
     * The SDK wrote a {@link Note} into a history: in the 1:1 conversation with {@code peer}, or in
     * {@code group} (exactly one of the two is non-null). {@code id} is the note's row, as {@link
     * History} lists it.
     */
    default void onNote(
            Note note, @Nullable AccountId peer, @Nullable GroupId group, MessageId id) {}

    /**
     * This device refused an envelope the relay delivered: it did not decrypt, its outer header
     * disagreed with the authenticated inner one, it replayed a used ratchet step, or its content
     * was malformed. Nothing of it was stored or handed to {@link #onMessage}, and the session
     * state is as before. Repeated rejections from one claimed sender suggest a hostile or broken
     * relay; the app may show a warning. {@link #onError} is called as well, for apps that only
     * watch errors.
     */
    default void onEnvelopeRejected(EnvelopeRejection rejection) {}

    /**
     * A contact's identity changed: its name now points to another account ID ({@link
     * Verification#changeIdentity}). The history with the old account stays under that account; the
     * new one is not verified. With {@link ChatClient.Builder#holdOnIdentityChange} messages to it
     * wait until {@link Verification#acceptIdentityChange}.
     */
    default void onIdentityChanged(Contact contact) {}

    /**
     * More members stored or read one of this account's group messages (from their end-to-end
     * encrypted receipts). Called once per receipt that changed the counts.
     */
    default void onGroupReadState(MessageId id, GroupReadState state) {}

    /**
     * Disappearing messages of the conversation with {@code peer}, or of the group {@code group}
     * (exactly one of the two is not null), reached their time and were deleted from this device's
     * history ({@link ChatClient#setDisappearingTimer}); {@code ids} in history order. Called after
     * the deletion was committed; an app removes them from its screens.
     */
    default void onMessagesDisappeared(
            @Nullable AccountId peer, @Nullable GroupId group, List<MessageId> ids) {}

    /** The connection to the relay moved to a new state. */
    default void onConnectionState(ConnectionState state) {}

    /** The relay's backlog for this device has been delivered and handed to {@link #onMessage}. */
    default void onSynced() {}

    /**
     * Something went wrong that the app should know about and that is not tied to a call, e.g. a
     * rejected envelope (header mismatch) or a refused authentication.
     */
    default void onError(ChatException error) {}

    /** The client is closed; no callback follows. */
    default void onClosed() {}
}
