package dev.cipherline.sdk;

import dev.cipherline.sdk.internal.client.ClientCore;
import java.util.List;
import java.util.Objects;

/**
 * This device's history of 1:1 conversations, reached by {@link ChatClient#history()}: paging both
 * ways, search, and deleting this device's copy. Group history is {@link Groups#history}. Every
 * call reads or writes the local store only, never the network, and is thread-safe.
 *
 * <p>The history holds message text encrypted at rest; each {@link StoredMessage} carries the
 * message's current {@link MessageState} (and, for a failed one, the reason).
 */
public final class History {
    private final ClientCore core;

    History(ClientCore core) {
        this.core = core;
    }

    /**
     * A page of the history with {@code peer}, newest first.
     *
     * @param limit the most rows to return, 1..1000
     * @param before return rows older than this message, or null for the newest rows
     * @throws ChatException INVALID_ARGUMENT if {@code limit} is out of range
     */
    public List<StoredMessage> page(AccountId peer, int limit, @Nullable MessageId before) {
        Objects.requireNonNull(peer, "peer");
        return core.history(peer, limit, before);
    }

    /**
     * A page of the history with {@code peer} after a message: up to {@code limit} messages newer
     * than {@code after}, <em>oldest first</em> (for paging forward from a search hit or a
     * bookmark). Empty if {@code after} is not in this conversation.
     *
     * @param limit the most rows to return, 1..1000
     * @throws ChatException INVALID_ARGUMENT if {@code limit} is out of range
     */
    public List<StoredMessage> after(AccountId peer, MessageId after, int limit) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(after, "after");
        return core.historyAfter(peer, after, limit);
    }

    /**
     * Messages whose text contains {@code text} (ignoring case), newest first, in the conversation
     * with {@code peer}, or in every 1:1 conversation when {@code peer} is null. The local history
     * is encrypted at rest, so this decrypts it newest first until {@code limit} matches are found:
     * its cost grows with the history searched, and no plaintext index is ever written.
     *
     * @throws ChatException INVALID_ARGUMENT if {@code text} is blank or {@code limit} is not
     *     1..1000
     */
    public List<StoredMessage> search(@Nullable AccountId peer, String text, int limit) {
        Objects.requireNonNull(text, "text");
        return core.search(peer, text, limit);
    }

    /**
     * Deletes one message from this device's history of the conversation with {@code peer}. An
     * outgoing message still waiting in the outbox is not sent (its {@link
     * OutgoingMessage#accepted()} fails). The other side keeps its copy. A redelivery of a deleted
     * incoming message is not shown again.
     *
     * @return whether the message was there
     * @throws ChatException STORE_FAILURE; CLOSED
     */
    public boolean delete(AccountId peer, MessageId id) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(id, "id");
        return core.deleteMessage(peer, id);
    }

    /**
     * Deletes the whole conversation with {@code peer} from this device: its messages, their unsent
     * outbox entries and its unread state. Contacts, keys and sessions stay.
     *
     * @return how many messages were deleted
     * @throws ChatException STORE_FAILURE; CLOSED
     */
    public int deleteConversation(AccountId peer) {
        Objects.requireNonNull(peer, "peer");
        return core.deleteConversation(peer);
    }
}
