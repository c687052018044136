package dev.cipherline.sdk;

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

    /** An outgoing message moved to a new state. */
    default void onMessageState(MessageId id, MessageState state) {}

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
