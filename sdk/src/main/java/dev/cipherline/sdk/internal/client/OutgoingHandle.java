package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.util.concurrent.CompletableFuture;

/** The handle {@code send} returns; its state is updated by the outbox worker. */
final class OutgoingHandle implements OutgoingMessage {
    private final MessageId id;
    private final CompletableFuture<MessageState> accepted = new CompletableFuture<>();
    private volatile MessageState state = MessageState.PENDING;

    OutgoingHandle(MessageId id) {
        this.id = id;
    }

    @Override
    public MessageId id() {
        return id;
    }

    @Override
    public MessageState state() {
        return state;
    }

    @Override
    public CompletableFuture<MessageState> accepted() {
        return accepted;
    }

    void sent() {
        state = MessageState.SENT;
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
