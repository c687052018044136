package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.ReceiptStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Receipts this device sends. A receipt is owed in the same transaction as what it acknowledges;
 * {@link #flush()} later seals the owed receipts into outbox entries, one per peer and receipt type
 * (split at {@link Content#MAX_RECEIPT_IDS}), so a backlog of a hundred messages costs one receipt,
 * not a hundred. Receipts then travel like messages (kind message, durable, retried, in order with
 * the messages to the same peer) but never enter the history.
 */
public final class Receipts {
    private final Database db;
    private final ReceiptStore store;
    private final OutboxStore outbox;
    private final Sealer sealer;
    private final Clock clock;
    private final Runnable queued;

    /**
     * @param queued called after receipts were added to the outbox (wakes the outbox worker)
     */
    public Receipts(
            Database db, OutboxStore outbox, LocalDevice self, Clock clock, Runnable queued) {
        this(db, outbox, self, clock, queued, () -> 0);
    }

    /**
     * Receipts that carry this account's device list version from {@code ownListVersion} (see
     * {@link Sealer}), so that the peer learns of a device linked here from a receipt too.
     *
     * @param queued called after receipts were added to the outbox (wakes the outbox worker)
     */
    public Receipts(
            Database db,
            OutboxStore outbox,
            LocalDevice self,
            Clock clock,
            Runnable queued,
            LongSupplier ownListVersion) {
        this.db = db;
        this.store = new ReceiptStore();
        this.outbox = outbox;
        this.sealer = new Sealer(self.account(), self.device(), ownListVersion);
        this.clock = clock;
        this.queued = queued;
    }

    /** Owes {@code peer} a receipt of {@code type} for {@code clientMsgId}, in {@code tx}. */
    public void owe(Tx tx, String peer, Content.ReceiptType type, String clientMsgId) {
        store.owe(tx, peer, type.code(), clientMsgId);
    }

    /** Seals every owed receipt into the outbox, batched per peer and type. */
    public void flush() {
        int added =
                db.transaction(
                        tx -> {
                            List<ReceiptStore.Owed> owed = store.owed(tx);
                            if (owed.isEmpty()) {
                                return 0;
                            }
                            Map<String, Set<String>> batches = new LinkedHashMap<>();
                            for (ReceiptStore.Owed o : owed) {
                                batches.computeIfAbsent(
                                                o.type() + ":" + o.peer(),
                                                k -> new LinkedHashSet<>())
                                        .add(o.clientMsgId());
                            }
                            int count = 0;
                            for (Map.Entry<String, Set<String>> batch : batches.entrySet()) {
                                String key = batch.getKey();
                                int colon = key.indexOf(':');
                                Content.ReceiptType type =
                                        Content.ReceiptType.of(
                                                Integer.parseInt(key.substring(0, colon)));
                                String peer = key.substring(colon + 1);
                                List<String> ids = new ArrayList<>(batch.getValue());
                                for (int from = 0;
                                        from < ids.size();
                                        from += Content.MAX_RECEIPT_IDS) {
                                    List<String> chunk =
                                            ids.subList(
                                                    from,
                                                    Math.min(
                                                            ids.size(),
                                                            from + Content.MAX_RECEIPT_IDS));
                                    queue(tx, peer, new Content.Receipt(type, chunk));
                                    count++;
                                }
                            }
                            store.forget(tx, owed.get(owed.size() - 1).id());
                            return count;
                        });
        if (added > 0) {
            queued.run();
        }
    }

    private void queue(Tx tx, String peer, Content.Receipt receipt) {
        sealer.queueControl(tx, outbox, peer, Content.encodeReceipt(receipt), clock.millis());
    }
}
