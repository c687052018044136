package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands stored messages to the app's listener and remembers which ones it took, so that each
 * message reaches the app once (DESIGN rule 4): a message whose {@code onMessage} returned is
 * marked; one whose callback threw, or that was stored while no listener was set, is handed over
 * again at the next start.
 */
public final class HandOver {
    private static final Log LOG = Log.get(HandOver.class.getName());

    private final Database db;
    private final MessageStore messages;
    private final Events events;
    private final boolean appListening;

    /** Rows handed to the app and not yet marked; touched on the events thread only. */
    private final List<Long> handedOver = new ArrayList<>();

    public HandOver(Database db, MessageStore messages, Events events, boolean appListening) {
        this.db = db;
        this.messages = messages;
        this.events = events;
        this.appListening = appListening;
    }

    /** Hands over the stored messages the app has not seen (from an earlier run). */
    void replay() {
        if (!appListening) {
            return;
        }
        for (MessageStore.IncomingRow row : messages.undeliveredIncoming()) {
            handOver(row.rowId(), row.message());
        }
        markHandedOver();
    }

    /** Posts {@code onMessage} for the message in row {@code rowId}. */
    void handOver(long rowId, IncomingMessage message) {
        if (!appListening) {
            // stored in the history; a later client with a listener is handed it
            return;
        }
        events.post(
                l -> {
                    l.onMessage(message);
                    handedOver.add(rowId); // not if the callback threw: handed over again
                });
    }

    /**
     * Marks every message handed over so far as seen by the app, in one transaction; posted after
     * each batch, so it runs on the events thread after the batch's {@code onMessage} calls.
     *
     * <p>The commit is synced, unlike the outbox's bookkeeping: a mark lost to a power failure
     * would hand the app a message a second time, and DESIGN rule 4 promises each message once.
     */
    void markHandedOver() {
        if (!appListening) {
            return;
        }
        events.run(
                () -> {
                    if (handedOver.isEmpty()) {
                        return;
                    }
                    List<Long> rows = List.copyOf(handedOver);
                    handedOver.clear();
                    try {
                        db.transaction(
                                tx -> {
                                    for (long row : rows) {
                                        messages.markDeliveredToApp(row);
                                    }
                                    return null;
                                });
                    } catch (ChatException e) {
                        // closed or failing store: the messages are handed over again next start
                        LOG.log(Log.Level.DEBUG, "cannot mark messages as handed over");
                    }
                });
    }
}
