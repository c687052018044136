package dev.cipherline.android;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;

/**
 * What a screen hears from {@link ChatService}. Every method has a no-op default and is called on
 * the main thread, so a screen may touch its views directly.
 */
public interface ChatObserver {
    /** The service moved to a new state (identity loaded, setup needed, failed). */
    default void onServiceState(ChatService.State state) {}

    /** The connection to the relay moved to a new state. */
    default void onConnectionState(ConnectionState state) {}

    /** A message arrived (it is already stored). */
    default void onMessage(IncomingMessage message) {}

    /** An outgoing message moved to a new state (its ticks change). */
    default void onMessageState(MessageId id, MessageState state) {}

    /** {@code from} started or stopped typing to this account. */
    default void onTyping(AccountId from, boolean typing) {}

    /** Contacts, conversations or unread counts changed. */
    default void onConversationsChanged() {}

    /** Something failed that the user should see, in one sentence. */
    default void onError(String message) {}
}
