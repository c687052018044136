package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.devices.DeviceLists;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceListStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.SignalStore;
import dev.cipherline.sdk.internal.transport.Backoff;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Decides what the outbox sends next, and alone knows the order rule and batching. Called by {@link
 * OutboxThread} whenever it is connected and something may be due.
 *
 * <p><b>Order rule.</b> Entries go oldest first, and an entry never passes an older entry of the
 * same recipient, whether that one is due or waits for a retry time. A group message waits while an
 * older entry for any member, or any control entry for a member (a sender key distribution), is
 * still in the outbox, so that every member's queue at the relay holds the key before the message.
 *
 * <p><b>Batching.</b> When several 1:1 entries are due, up to {@link #MAX_BATCH} of them (oldest
 * first, by the order rule) are encrypted in one synced transaction before any leaves the device,
 * sent through the {@link Pipeline}, and those the relay accepted are recorded in one commit that
 * is not synced on its own. A group message, an expired entry or a recipient without a session ends
 * a batch and goes alone ({@link EntrySender}). Entries of a batch that were never sent (it stopped
 * at a refusal) are due again at once and are encrypted afresh in a later round (their skipped
 * message keys cost the receiver nothing); a refused one is handled as a single attempt would
 * handle that answer.
 */
public final class OutboxScheduler {
    private static final Log LOG = Log.get(OutboxScheduler.class.getName());

    /** At most this many entries share one encrypt transaction. */
    public static final int MAX_BATCH = 32;

    /** How many rows a batch looks at, since some belong to recipients that must wait. */
    private static final int WINDOW = 2 * MAX_BATCH;

    private final Database db;
    private final OutboxStore outbox;
    private final Encryptor encryptor;
    private final EntrySender single;
    private final Pipeline pipeline;
    private final RelayAnswers answers;
    private final Completion completion;
    private final GroupSending groups;
    private final Clock clock;

    OutboxScheduler(
            Database db,
            OutboxStore outbox,
            Encryptor encryptor,
            EntrySender single,
            Pipeline pipeline,
            RelayAnswers answers,
            Completion completion,
            GroupSending groups,
            Clock clock) {
        this.db = db;
        this.outbox = outbox;
        this.encryptor = encryptor;
        this.single = single;
        this.pipeline = pipeline;
        this.answers = answers;
        this.completion = completion;
        this.groups = groups;
        this.clock = clock;
    }

    /**
     * The outbox's sending side for this device, sending through {@code relay} and retrying after
     * {@code backoff}; what becomes of each entry goes to {@code completion}.
     */
    public static OutboxScheduler create(
            Database db,
            OutboxStore outbox,
            SignalStore store,
            SessionCrypto sessions,
            Encryptor encryptor,
            Relay relay,
            Backoff backoff,
            Clock clock,
            Completion completion,
            GroupSending groups) {
        return create(
                db,
                outbox,
                store,
                sessions,
                encryptor,
                relay,
                backoff,
                clock,
                completion,
                groups,
                new DeviceLists(new DeviceListStore(db)));
    }

    /**
     * As {@link #create(Database, OutboxStore, SignalStore, SessionCrypto, Encryptor, Relay,
     * Backoff, Clock, Completion, GroupSending)}, checking recipients' devices against the signed
     * device lists {@code lists} pins.
     */
    public static OutboxScheduler create(
            Database db,
            OutboxStore outbox,
            SignalStore store,
            SessionCrypto sessions,
            Encryptor encryptor,
            Relay relay,
            Backoff backoff,
            Clock clock,
            Completion completion,
            GroupSending groups,
            DeviceLists lists) {
        SessionFetcher fetcher =
                new SessionFetcher(
                        db,
                        store,
                        sessions,
                        relay,
                        lists,
                        encryptor.ownAccount(),
                        encryptor.ownDevice());
        RelayAnswers answers =
                new RelayAnswers(db, outbox, fetcher, completion, backoff, clock, relay);
        EntrySender single =
                new EntrySender(
                        db,
                        outbox,
                        encryptor,
                        fetcher,
                        answers,
                        relay,
                        new FrameCodec(),
                        backoff,
                        clock);
        return new OutboxScheduler(
                db,
                outbox,
                encryptor,
                single,
                new Pipeline(relay),
                answers,
                completion,
                groups,
                clock);
    }

    /**
     * Sends what is due now, if anything: one batch or one entry.
     *
     * @return 0 if something was sent (look again at once), else when the next entry is due (epoch
     *     ms, or {@link Long#MAX_VALUE} if the outbox is empty)
     */
    public long sendDue() {
        long now = clock.millis();
        long nextDue = Long.MAX_VALUE;
        List<OutboxStore.Entry> heads = outbox.heads();
        for (OutboxStore.Entry head : heads) {
            if (head.nextAttemptAt() <= now) {
                send(collect(head, heads, now));
                return 0;
            }
            nextDue = Math.min(nextDue, head.nextAttemptAt());
        }
        return nextDue;
    }

    /**
     * The entries to send now, starting with {@code first}, the oldest due head of {@code heads}
     * (the oldest entry of every recipient): {@code first} alone if it is not batchable, else it
     * and the due batchable entries after it whose recipients have no older entry waiting.
     */
    private List<OutboxStore.Entry> collect(
            OutboxStore.Entry first, List<OutboxStore.Entry> heads, long now) {
        if (!batchable(first, now)) {
            return List.of(first);
        }
        Set<String> waiting = new HashSet<>();
        for (OutboxStore.Entry head : heads) {
            if (head.nextAttemptAt() > now) {
                waiting.add(head.recipient());
            }
        }
        List<OutboxStore.Entry> batch = new ArrayList<>();
        for (OutboxStore.Entry e : outbox.from(first.id(), WINDOW)) {
            if (batch.size() == MAX_BATCH) {
                break;
            }
            if (waiting.contains(e.recipient())) {
                continue;
            }
            if (e.nextAttemptAt() > now) {
                waiting.add(e.recipient());
                continue;
            }
            if (!batchable(e, now)) {
                // it goes alone, in its turn
                break;
            }
            batch.add(e);
        }
        return batch.isEmpty() ? List.of(first) : batch;
    }

    /** A 1:1 entry that has not expired, to a recipient this device has sessions with. */
    private boolean batchable(OutboxStore.Entry e, long now) {
        return !Sealer.isGroupMarker(e.recipient())
                && e.expiresAt() > now
                && encryptor.hasSession(e.recipient());
    }

    private void send(List<OutboxStore.Entry> batch) {
        List<Frame.Send> sends = batch.size() == 1 ? List.of() : encryptAll(batch);
        if (sends.isEmpty()) {
            sendAlone(batch.get(0));
            return;
        }
        List<OutboxStore.Entry> entries = batch.subList(0, sends.size());
        Pipeline.Outcome outcome = pipeline.send(entries, sends);
        if (!outcome.accepted().isEmpty()) {
            completion.sentTogether(outcome.accepted());
        }
        if (!outcome.unanswered().isEmpty()) {
            LOG.log(
                    Log.Level.DEBUG,
                    "{0} sends of a batch got no answer",
                    outcome.unanswered().size());
        }
        release(outcome.unsent());
        for (Pipeline.Refused r : outcome.refused()) {
            single.resume(r.entry(), r.answer());
        }
    }

    private void sendAlone(OutboxStore.Entry e) {
        if (e.expiresAt() <= clock.millis()) {
            completion.failed(e, "the message expired before the relay accepted it");
            return;
        }
        if (!Sealer.isGroupMarker(e.recipient())) {
            single.pairwise(e);
            return;
        }
        String groupId = Sealer.groupIdOf(e.recipient());
        try {
            Optional<List<String>> members = groups.recipients(groupId);
            if (!members.isPresent()) {
                completion.failed(e, "this account is no longer a member of the group");
                return;
            }
            single.group(
                    e,
                    members.get(),
                    () -> {
                        // the round has just started sessions with any new member device
                        UUID key = groups.prepareKey(groupId);
                        return waitsForKeys(e, members.get()) ? null : key;
                    });
        } catch (ChatException ce) {
            answers.failed(e, ce, false);
        }
    }

    /**
     * Whether the group message {@code e} must wait for a message to one of its {@code members}
     * queued before it, or for a control message to them (a sender key hand-over) whatever its age;
     * if so, it is postponed until then.
     */
    private boolean waitsForKeys(OutboxStore.Entry e, List<String> members) {
        Long blocked = outbox.olderDueFor(e.id(), members);
        if (blocked == null) {
            return false;
        }
        outbox.postpone(
                e.id(), Math.max(blocked, clock.millis() + 100), "waiting for sender key delivery");
        return true;
    }

    /**
     * Encrypts the entries and records their attempts in one synced transaction. If one of them
     * cannot be encrypted in a batch, everything is rolled back and the entries before it are
     * encrypted again on their own; an empty result leaves the first entry to a single attempt.
     */
    private List<Frame.Send> encryptAll(List<OutboxStore.Entry> batch) {
        List<OutboxStore.Entry> todo = batch;
        while (todo.size() > 1) {
            List<OutboxStore.Entry> entries = todo;
            try {
                return db.transaction(
                        c -> {
                            List<Frame.Send> sends = new ArrayList<>(entries.size());
                            for (OutboxStore.Entry e : entries) {
                                Frame.Send send = single.firstRound(c, e);
                                if (send == null) {
                                    throw new NotBatchable(sends.size());
                                }
                                sends.add(send);
                            }
                            return sends;
                        });
            } catch (NotBatchable n) {
                todo = entries.subList(0, n.index);
            }
        }
        return List.of();
    }

    /** Makes entries that were encrypted but never sent due again, not counting the attempt. */
    private void release(List<OutboxStore.Entry> unsent) {
        if (unsent.isEmpty()) {
            return;
        }
        long now = clock.millis();
        // not synced: lost on power failure, they merely wait for their recorded retry time
        db.transactionUnsynced(
                c -> {
                    for (OutboxStore.Entry e : unsent) {
                        outbox.release(c, e.id(), now);
                    }
                    return null;
                });
    }

    /** Carries out of the encrypt transaction, rolling it back, where a batch must end. */
    private static final class NotBatchable extends RuntimeException {
        final int index;

        NotBatchable(int index) {
            super(null, null, false, false);
            this.index = index;
        }
    }
}
