package dev.cipherline.sdk.internal.disappear;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DisappearingStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Deletes disappearing messages when their time comes: at the client's start (before the app sees
 * the history) and at each deadline after that. A deadline is waited for on the {@code
 * cipherline-timer} thread and the deletion runs on the inbound thread, which already serializes
 * the store's work with everything that arrives. After deleting, the store's write-ahead log is
 * checkpointed and truncated, so that the deleted rows' old page images do not stay readable there
 * ({@code secure_delete} already clears them in the database file). The app is told once per
 * conversation ({@code onMessagesDisappeared}).
 */
public final class Sweeper {
    private static final Log LOG = Log.get(Sweeper.class.getName());

    /** How long a deleted incoming message's ID is remembered, so a redelivery stays dropped. */
    private static final long REMEMBER_MS = 31L * 24 * 3600 * 1000;

    private final Database db;
    private final DisappearingStore store;
    private final Events events;
    private final Clock clock;
    private final Later later;
    private final Executor inbound;
    private long scheduledFor = Long.MAX_VALUE;

    /** Runs a task after a delay, on a thread that never blocks. */
    @FunctionalInterface
    public interface Later {
        void run(long millis, Runnable task);
    }

    public Sweeper(
            Database db,
            DisappearingStore store,
            Events events,
            Clock clock,
            Later later,
            Executor inbound) {
        this.db = db;
        this.store = store;
        this.events = events;
        this.clock = clock;
        this.later = later;
        this.inbound = inbound;
    }

    /** Deletes what is due now, on the caller's thread, and waits for the next deadline. */
    public void start() {
        sweep();
    }

    /**
     * A timer may have started: waits for the earliest deadline if it is earlier than the one
     * waited for. Cheap when no conversation ever had a timer.
     */
    public void wake() {
        Optional<Long> next = store.nextDeadline();
        if (!next.isPresent()) {
            return;
        }
        long at = next.get();
        synchronized (this) {
            if (at >= scheduledFor) {
                return;
            }
            scheduledFor = at;
        }
        long delay = Math.max(0, at - clock.millis());
        later.run(delay, () -> inbound.execute(this::sweep));
    }

    private void sweep() {
        synchronized (this) {
            scheduledFor = Long.MAX_VALUE;
        }
        long now = clock.millis();
        List<DisappearingStore.Gone> gone;
        try {
            gone = store.deleteDue(now, now + REMEMBER_MS);
        } catch (ChatException e) {
            if (e.reason() != ChatException.Reason.CLOSED) {
                // tried again at the next start or deadline
                LOG.log(
                        Log.Level.WARNING,
                        "could not delete disappearing messages: {0}",
                        e.getMessage());
            }
            return;
        }
        if (!gone.isEmpty()) {
            // the log still holds the pages that held them; copy it into the file, whose freed
            // cells secure_delete cleared, and truncate it
            db.checkpoint();
            LOG.log(Log.Level.DEBUG, "{0} disappearing messages deleted", gone.size());
            tell(gone);
        }
        wake();
    }

    private void tell(List<DisappearingStore.Gone> gone) {
        Map<String, List<MessageId>> byConversation = new LinkedHashMap<>();
        Map<String, DisappearingStore.Gone> first = new LinkedHashMap<>();
        for (DisappearingStore.Gone g : gone) {
            String key = g.groupId() != null ? "g" + g.groupId() : "p" + g.peer();
            byConversation
                    .computeIfAbsent(key, k -> new ArrayList<>())
                    .add(new MessageId(g.clientMsgId()));
            first.putIfAbsent(key, g);
        }
        for (Map.Entry<String, List<MessageId>> e : byConversation.entrySet()) {
            DisappearingStore.Gone g = first.get(e.getKey());
            AccountId peer = g.groupId() == null ? new AccountId(g.peer()) : null;
            GroupId group = g.groupId() == null ? null : new GroupId(g.groupId());
            List<MessageId> ids = java.util.Collections.unmodifiableList(e.getValue());
            events.post(l -> l.onMessagesDisappeared(peer, group, ids));
        }
    }
}
