package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.NoteKind;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.NoteStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The relay's expiry notices, on the inbound thread. An {@code expired} notice moves the 1:1
 * message this device sent forward to {@link MessageState#EXPIRED} (see {@link
 * MessageStore#applyExpiry}); an {@code expired-summary} writes a {@link NoteKind#MESSAGES_EXPIRED}
 * note into the 1:1 history with the sender account ("3 messages from alice expired before this
 * device came online"). Each is stored in its own transaction and acknowledged ({@code
 * ack-expired}) only after it committed, in one frame per burst; the app is told after the commit.
 *
 * <p>The quiet cases: a notice about anything that is not a 1:1 message this device sent (a
 * receipt, a sync to the account's own devices, a group message or a group control message) changes
 * nothing and is acknowledged. A summary from this account's own devices (their copies and syncs
 * expired here) writes no note: they were this account's own messages, which its history has
 * already. The relay does not know groups, so group messages that expired are counted in the 1:1
 * note of their sender too.
 */
public final class ExpiryNotices {
    private static final Log LOG = Log.get(ExpiryNotices.class.getName());

    /** Where acknowledgements go; false when the connection is down (the relay sends it again). */
    public interface Acker {
        boolean ack(Frame.AckExpired ack);
    }

    private final Database db;
    private final MessageStore messages;
    private final ContactStore contacts;
    private final LocalDevice self;
    private final Events events;
    private final Clock clock;
    private final Acker acker;
    private final Consumer<Runnable> inbound;
    private final List<Frame.NoticeAck> pending = new ArrayList<>();
    private boolean flushScheduled;

    /**
     * @param inbound runs a task on the inbound thread after the frames already queued there
     */
    public ExpiryNotices(
            Database db,
            MessageStore messages,
            ContactStore contacts,
            LocalDevice self,
            Events events,
            Clock clock,
            Acker acker,
            Consumer<Runnable> inbound) {
        this.db = db;
        this.messages = messages;
        this.contacts = contacts;
        this.self = self;
        this.events = events;
        this.clock = clock;
        this.acker = acker;
        this.inbound = inbound;
    }

    /** A message this device sent expired unread in one recipient device's queue. */
    public void expired(Frame.Expired notice) {
        boolean changed =
                db.transaction(
                        tx ->
                                messages.applyExpiry(
                                        tx,
                                        notice.recipient(),
                                        self.device(),
                                        notice.clientMsgId()));
        if (changed) {
            MessageId id = new MessageId(notice.clientMsgId());
            events.post(l -> l.onMessageState(id, MessageState.EXPIRED));
        }
        ack(new Frame.NoticeAck(notice.id(), 1));
    }

    /** Messages from one sender device expired in this device's queue. */
    public void summary(Frame.ExpiredSummary notice) {
        if (!notice.sender().equals(self.account())) {
            AccountId sender = new AccountId(notice.sender());
            Note note =
                    new Note(
                            NoteKind.MESSAGES_EXPIRED,
                            sender,
                            notice.count(),
                            text(notice.count(), nameOf(sender)));
            MessageId id =
                    db.transaction(
                            tx -> NoteStore.add(tx, sender.value(), false, note, clock.millis()));
            events.note(note, sender, null, id);
        } else {
            LOG.log(
                    Log.Level.DEBUG,
                    "{0} envelopes from own device {1} expired here",
                    notice.count(),
                    notice.senderDevice());
        }
        ack(new Frame.NoticeAck(notice.id(), notice.count()));
    }

    /** The note's sentence, e.g. "3 messages from alice expired before this device came online". */
    static String text(long count, String from) {
        return count
                + (count == 1 ? " message from " : " messages from ")
                + from
                + " expired before this device came online";
    }

    private String nameOf(AccountId account) {
        Optional<Contact> contact = contacts.byAccount(account);
        return contact.isPresent() ? contact.get().name() : account.value();
    }

    private void ack(Frame.NoticeAck ack) {
        pending.add(ack);
        if (!flushScheduled) {
            flushScheduled = true;
            inbound.accept(this::flush);
        }
    }

    private void flush() {
        flushScheduled = false;
        while (!pending.isEmpty()) {
            int n = Math.min(pending.size(), Frame.AckExpired.MAX_NOTICES);
            List<Frame.NoticeAck> batch = new ArrayList<>(pending.subList(0, n));
            pending.subList(0, n).clear();
            if (!acker.ack(new Frame.AckExpired(batch))) {
                // not connected: the relay writes the notices again on the next connection
                pending.clear();
            }
        }
    }
}
