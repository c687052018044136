package dev.cipherline.sdk.internal.app;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import dev.cipherline.sdk.internal.store.MessageStore;
import java.util.concurrent.CompletableFuture;

/**
 * The handle {@code send} returns. Its state is read from the store, where the outbox worker and
 * incoming receipts move it, so it stays current after the relay accepted the message; once the
 * client is closed it answers the last state it saw.
 */
public final class OutgoingHandle implements OutgoingMessage {
    private final MessageId id;
    private final MessageStore messages;
    private final CompletableFuture<MessageState> accepted = new CompletableFuture<>();
    private volatile MessageState state = MessageState.PENDING;
    private volatile long rowId;

    public OutgoingHandle(MessageId id, MessageStore messages) {
        this.id = id;
        this.messages = messages;
    }

    /** The message is in the store, in row {@code rowId}. */
    public void stored(long rowId) {
        this.rowId = rowId;
    }

    @Override
    public MessageId id() {
        return id;
    }

    @Override
    public MessageState state() {
        long row = rowId;
        if (row != 0) {
            try {
                MessageState stored = messages.state(row);
                if (stored != null) {
                    state = stored;
                }
            } catch (ChatException e) {
                // closed: the last state seen
            }
        }
        return state;
    }

    @Override
    public CompletableFuture<MessageState> accepted() {
        return accepted;
    }

    void sent() {
        if (state == MessageState.PENDING) {
            state = MessageState.SENT;
        }
        accepted.complete(MessageState.SENT);
    }

    void failed(ChatException reason) {
        state = MessageState.FAILED;
        accepted.completeExceptionally(reason);
    }

    void abandoned(ChatException reason) {
        accepted.completeExceptionally(reason);
    }

    @Override
    public String toString() {
        return "OutgoingMessage[" + id + ", " + state + "]";
    }
}
