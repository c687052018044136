package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.util.function.Consumer;

/**
 * The one way in: turns {@code deliver} frames into stored messages, on the inbound thread, one at
 * a time in relay order. For each envelope: drop duplicates before decrypting, open it and check
 * its header binding ({@link Opener}), carry out its content ({@link Dispatch}) and commit that
 * together with the session state it advanced and the delivery receipt it is owed ({@link
 * GroupCommit}); then hand the message to the app ({@link HandOver}) and only then acknowledge it
 * ({@link Acks}). A refused envelope is reported ({@link Rejections}) and acknowledged too, so a
 * hostile relay cannot wedge the queue, and nothing of it is stored.
 *
 * <p>Ephemeral envelopes (typing) are opened, reported and forgotten; their session step is
 * committed like any other, since the sender's ratchet advanced too.
 */
public final class Receiver implements GroupCommit.Results {
    private static final Log LOG = Log.get(Receiver.class.getName());

    private final Database db;
    private final MessageStore messages;
    private final GroupReadStore readStates;
    private final GroupCommit commit;
    private final Opener opener;
    private final Dispatch dispatch;
    private final HandOver handOver;
    private final Acks acks;
    private final Rejections rejections;
    private final Events events;
    private final Consumer<Runnable> inbound;
    private final Runnable wake;
    private boolean drainScheduled;

    /**
     * @param inbound runs a task on the inbound thread after the frames already queued there
     * @param wake wakes the outbox (a group changed: snapshots or keys may be queued)
     */
    public Receiver(
            Database db,
            MessageStore messages,
            Opener opener,
            Dispatch dispatch,
            HandOver handOver,
            Acks acks,
            Rejections rejections,
            Events events,
            Consumer<Runnable> inbound,
            Runnable wake) {
        this.db = db;
        this.messages = messages;
        this.readStates = new GroupReadStore(db);
        this.commit = new GroupCommit(db, messages);
        this.opener = opener;
        this.dispatch = dispatch;
        this.handOver = handOver;
        this.acks = acks;
        this.rejections = rejections;
        this.events = events;
        this.inbound = inbound;
        this.wake = wake;
    }

    /** Hands stored messages the app has not seen (from an earlier run) to the listener. */
    public void replayUndelivered() {
        acks.pruneSeen();
        handOver.replay();
    }

    /**
     * Takes one delivered envelope. Called on the inbound thread; the envelopes that arrive
     * together are stored by {@link #drain} in one transaction, and acknowledged only after it
     * committed.
     */
    public void deliver(Frame.Deliver d) {
        if (d.kind() == Kind.EPHEMERAL) {
            drain();
            deliverEphemeral(d);
            return;
        }
        commit.add(d);
        if (!drainScheduled) {
            drainScheduled = true;
            // runs after the frames already queued on the inbound thread: they join the batch
            inbound.accept(this::drain);
        }
    }

    /**
     * Handles every waiting envelope now, in order. Called on the inbound thread, also before any
     * other frame is handled.
     */
    public void drain() {
        drainScheduled = false;
        commit.drain(this::store, this);
        handOver.markHandedOver();
    }

    /** Opens and stores one envelope inside the caller's transaction. */
    private Outcome store(Tx tx, Frame.Deliver d) {
        Opener.Opened opened = opener.open(tx, d);
        Outcome o = opened == null ? Outcome.NOTHING : dispatch.dispatch(tx, d, opened);
        if (o.rowId() == 0) {
            // no message row dedups it: remember the envelope itself
            messages.markSeen(tx, d.sender(), d.senderDevice(), d.clientMsgId(), d.expiresAt());
        }
        return o;
    }

    // ---- what became of each envelope, after its commit ----

    @Override
    public void duplicate(Frame.Deliver d) {
        acks.ack(d.seq());
    }

    @Override
    public void stored(Frame.Deliver d, Outcome outcome) {
        if (outcome.gap() > 0) {
            IncomingMessage m = outcome.message();
            events.post(l -> l.onGroupGap(m.group(), m.from(), m.fromDevice(), outcome.gap()));
        }
        if (outcome.message() != null) {
            acks.receiptsOwed();
            handOver.handOver(outcome.rowId(), outcome.message());
        }
        if (outcome.notice() != null) {
            events.post(outcome.notice());
        }
        if (outcome.group() != null) {
            events.post(l -> l.onGroupChanged(outcome.group()));
            wake.run();
        } else if (outcome.queued()) {
            wake.run();
        }
        for (MessageId id : outcome.groupReads()) {
            readStates.state(id).ifPresent(s -> events.post(l -> l.onGroupReadState(id, s)));
        }
        for (MessageId id : outcome.changed()) {
            events.post(l -> l.onMessageState(id, outcome.state()));
        }
        acks.ack(d.seq());
    }

    @Override
    public void refused(Frame.Deliver d, Refused refusal) {
        rejections.report(d, refusal);
        acks.ack(d.seq());
    }

    @Override
    public void failed(Frame.Deliver d, ChatException e) {
        // not acknowledged: the relay delivers it again later
        LOG.log(Log.Level.WARNING, "cannot store an incoming message: {0}", e.getMessage());
        events.post(l -> l.onError(e));
    }

    /**
     * Opens an ephemeral envelope (a typing indicator). Nothing of its content is stored and it is
     * never acknowledged: the relay did not store it (seq 0).
     */
    private void deliverEphemeral(Frame.Deliver d) {
        Content content;
        try {
            content =
                    db.transaction(
                            tx -> {
                                Opener.Opened opened = opener.openPairwise(d);
                                return opened == null ? null : Dispatch.decode(opened.body());
                            });
        } catch (Refused r) {
            rejections.report(d, r);
            return;
        } catch (ChatException e) {
            LOG.log(Log.Level.DEBUG, "cannot open an ephemeral envelope: {0}", e);
            return;
        }
        if (content instanceof Content.Typing typing) {
            AccountId from = new AccountId(d.sender());
            events.post(l -> l.onTyping(from, typing.typing()));
        } else if (content != null) {
            LOG.log(Log.Level.DEBUG, "ignoring ephemeral content {0}", content);
        }
    }
}
