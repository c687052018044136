package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.sdk.internal.store.OutboxStore;
import java.util.List;

/** What happens to an entry when it leaves the outbox (called on the outbox thread). */
public interface Completion {
    /** The relay accepted {@code entry}. */
    void sent(OutboxStore.Entry entry);

    /** Several entries the relay accepted, in the order they were sent: one commit for all. */
    void sentTogether(List<OutboxStore.Entry> entries);

    /** {@code entry} can never be sent, for {@code reason}. */
    void failed(OutboxStore.Entry entry, String reason);
}
