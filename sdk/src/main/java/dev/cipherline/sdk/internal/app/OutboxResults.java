package dev.cipherline.sdk.internal.app;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.outbound.Completion;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What happens when an outbox entry leaves the outbox (on the outbox thread): the entry is deleted
 * and its message moved forward in one transaction, the listener and the message's handle are told,
 * and {@link #flush} waiters wake. Receipt entries have no message, state or handle.
 */
public final class OutboxResults implements Completion {
    private static final Log LOG = Log.get(OutboxResults.class.getName());

    private final Database db;
    private final OutboxStore outbox;
    private final MessageStore messages;
    private final Events events;
    private final Runnable left;
    private final Map<String, OutgoingHandle> handles = new ConcurrentHashMap<>();
    private final Object monitor = new Object();

    /** Results recorded in {@code db} and told through {@code events}. */
    public OutboxResults(Database db, OutboxStore outbox, MessageStore messages, Events events) {
        this(db, outbox, messages, events, () -> {});
    }

    /**
     * Results as above; {@code left} runs after each commit of messages that left the outbox (it
     * started the timers of disappearing ones).
     */
    public OutboxResults(
            Database db, OutboxStore outbox, MessageStore messages, Events events, Runnable left) {
        this.left = left;
        this.db = db;
        this.outbox = outbox;
        this.messages = messages;
        this.events = events;
    }

    /** Completes {@code handle} when its message leaves the outbox. */
    public void track(OutgoingHandle handle) {
        handles.put(handle.id().value(), handle);
    }

    /** Stops tracking the handle of a message that was deleted; its waiters see CLOSED-like. */
    public void forget(MessageId id) {
        OutgoingHandle handle = handles.remove(id.value());
        if (handle != null) {
            handle.abandoned(
                    new ChatException(
                            ChatException.Reason.REJECTED,
                            "the message was deleted before it was sent"));
        }
        wakeWaiters();
    }

    /** Stops tracking a handle whose message was never stored. */
    public void untrack(OutgoingHandle handle) {
        handles.remove(handle.id().value(), handle);
    }

    @Override
    public void sent(OutboxStore.Entry entry) {
        sentTogether(List.of(entry));
    }

    @Override
    public void sentTogether(List<OutboxStore.Entry> entries) {
        List<Boolean> changed = commit(entries, MessageState.SENT, null);
        left.run();
        wakeWaiters();
        for (int i = 0; i < entries.size(); i++) {
            tell(entries.get(i), MessageState.SENT, null, changed.get(i));
        }
    }

    @Override
    public void failed(OutboxStore.Entry entry, String reason) {
        LOG.log(Log.Level.INFO, "message {0} failed: {1}", entry.clientMsgId(), reason);
        boolean changed = commit(List.of(entry), MessageState.FAILED, reason).get(0);
        left.run();
        wakeWaiters();
        tell(entry, MessageState.FAILED, reason, changed);
    }

    /**
     * Deletes the entries and moves their messages to {@code state}, in one transaction; returns,
     * for each entry, whether its message changed state.
     */
    private List<Boolean> commit(
            List<OutboxStore.Entry> entries, MessageState state, String reason) {
        // not synced on its own: if power fails before the next synced commit, the entries are
        // tried again under the same clientMsgIds; the relay answers a sent one as the duplicate it
        // is, and a failed one fails again
        return db.transactionUnsynced(
                c -> {
                    List<Boolean> changed = new ArrayList<>(entries.size());
                    for (OutboxStore.Entry entry : entries) {
                        outbox.delete(c, entry.id());
                        changed.add(
                                entry.isMessage()
                                        && messages.setState(
                                                c, entry.messageRowId(), state, reason));
                    }
                    return changed;
                });
    }

    /** Tells the listener and the message's handle what became of an entry that left the outbox. */
    private void tell(OutboxStore.Entry entry, MessageState state, String reason, boolean changed) {
        if (!entry.isMessage()) {
            // a receipt: nobody waits for it and it has no state of its own
            return;
        }
        MessageId id = new MessageId(entry.clientMsgId());
        OutgoingHandle handle = handles.remove(entry.clientMsgId());
        if (changed) {
            // not when a receipt already moved the message past SENT
            events.post(
                    l -> {
                        l.onMessageState(id, state);
                        if (state == MessageState.FAILED) {
                            l.onMessageFailed(id, reason);
                        }
                    });
        }
        if (handle != null) {
            if (state == MessageState.SENT) {
                events.run(handle::sent);
            } else {
                ChatException error =
                        new ChatException(
                                ChatException.Reason.REJECTED,
                                "the message could not be sent: " + reason);
                events.run(() -> handle.failed(error));
            }
        }
    }

    /**
     * Waits until the outbox is empty or the timeout passed; {@code checkOpen} throws once the
     * client is closed.
     *
     * @return how many entries are still pending
     */
    public int flush(Duration timeout, Runnable checkOpen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (true) {
                checkOpen.run();
                int pending = outbox.size();
                long left = deadline - System.nanoTime();
                if (pending == 0 || left <= 0) {
                    return pending;
                }
                try {
                    monitor.wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return outbox.size();
                }
            }
        }
    }

    /** On close: every tracked handle fails with {@code error}, and flush waiters wake. */
    public void abandonAll(ChatException error) {
        for (OutgoingHandle handle : handles.values()) {
            handle.abandoned(error);
        }
        handles.clear();
        wakeWaiters();
    }

    private void wakeWaiters() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }
}
