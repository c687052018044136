package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.EnvelopeRejection;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.content.ContentVisitor;
import dev.cipherline.sdk.internal.disappear.Disappearing;
import dev.cipherline.sdk.internal.group.GroupInbound;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Carries out what an opened envelope says, inside its transaction, one handler per content type: a
 * text is stored and owes its sender a delivery receipt; a receipt moves outgoing messages forward
 * (and is never stored nor answered); group updates, leaves and sender keys go to the group rules.
 * A group message may only carry group text, a pairwise one anything else; whatever does not fit is
 * ignored. What only this account's own devices send each other (a sent transcript, a read sync, a
 * device hello) is ignored from any other account.
 */
public final class Dispatch {
    private static final Log LOG = Log.get(Dispatch.class.getName());

    private final MessageStore messages;
    private final Receipts receipts;
    private final GroupInbound groups;
    private final LocalDevice self;
    private final Clock clock;
    private final SyncInbound sync;
    private final BooleanSupplier ownDevices;
    private final Disappearing disappearing;

    /**
     * @param ownDevices whether this account has other devices (this device has a session with one)
     */
    public Dispatch(
            MessageStore messages,
            Receipts receipts,
            GroupInbound groups,
            SyncInbound sync,
            LocalDevice self,
            BooleanSupplier ownDevices,
            Disappearing disappearing,
            Clock clock) {
        this.disappearing = disappearing;
        this.sync = sync;
        this.ownDevices = ownDevices;
        this.messages = messages;
        this.receipts = receipts;
        this.groups = groups;
        this.self = self;
        this.clock = clock;
    }

    /**
     * Decodes the content of {@code opened} and carries it out in {@code tx}'s transaction.
     *
     * @throws Refused if the content is malformed
     */
    Outcome dispatch(Tx tx, Frame.Deliver d, Opener.Opened opened) {
        return decode(opened.body()).accept(new Handler(tx, d, opened));
    }

    /**
     * Decodes a body.
     *
     * @throws Refused MALFORMED_CONTENT if it is not content this build can read
     */
    static Content decode(byte[] body) {
        try {
            return Content.decode(body);
        } catch (Content.MalformedContentException e) {
            throw new Refused(EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
        }
    }

    /** The handlers for one envelope. */
    private final class Handler implements ContentVisitor<Outcome> {
        private final Tx tx;
        private final Frame.Deliver d;
        private final Opener.Opened opened;

        Handler(Tx tx, Frame.Deliver d, Opener.Opened opened) {
            this.tx = tx;
            this.d = d;
            this.opened = opened;
        }

        private boolean inGroup() {
            return opened.groupId() != null;
        }

        @Override
        public Outcome text(Content.Text text) {
            if (inGroup()) {
                return Outcome.NOTHING;
            }
            return store(text.text(), null, 0);
        }

        @Override
        public Outcome groupText(Content.GroupText text) {
            if (!inGroup()) {
                return ignore(text);
            }
            String groupId = opened.groupId();
            if (d.sender().equals(self.account())) {
                // another device of this account sent it: this device's history shows it as sent
                Outcome sent =
                        sync.sent(
                                tx,
                                null,
                                groupId,
                                d.senderDevice(),
                                d.clientMsgId(),
                                text.text(),
                                opened.header().sentAt(),
                                self.account());
                disappearing.stampCopy(tx, null, groupId, d.senderDevice(), d.clientMsgId());
                return sent;
            }
            long gap = groups.gap(tx, groupId, d.sender(), d.senderDevice(), text.seq());
            Outcome stored = store(text.text(), new GroupId(groupId), gap);
            GroupReadStore.touchIncoming(tx, groupId);
            return stored;
        }

        /**
         * Stores a message and owes its sender a delivery receipt, 1:1 also for a group message
         * (the sender keeps "delivered to N of M" from them).
         */
        private Outcome store(String text, GroupId group, long gap) {
            IncomingMessage message =
                    new IncomingMessage(
                            new MessageId(d.clientMsgId()),
                            new AccountId(d.sender()),
                            d.senderDevice(),
                            text,
                            Instant.ofEpochMilli(opened.header().sentAt()),
                            Instant.ofEpochMilli(clock.millis()),
                            group);
            long row = messages.insertIncoming(tx, message);
            disappearing.stampIncoming(tx, row, d.sender(), group == null ? null : group.value());
            receipts.owe(tx, d.sender(), Content.ReceiptType.DELIVERED, d.clientMsgId());
            return Outcome.message(row, message, gap);
        }

        @Override
        public Outcome receipt(Content.Receipt receipt) {
            if (inGroup()) {
                return Outcome.NOTHING;
            }
            MessageState state =
                    receipt.type() == Content.ReceiptType.READ
                            ? MessageState.READ
                            : MessageState.DELIVERED;
            List<MessageId> changed =
                    messages.applyReceipt(
                            tx,
                            d.sender(),
                            self.device(),
                            ownDevices.getAsBoolean(),
                            receipt.clientMsgIds(),
                            state);
            // the same receipt may acknowledge this account's group messages
            List<MessageId> groupReads =
                    GroupReadStore.apply(tx, d.sender(), receipt.clientMsgIds(), state);
            return Outcome.receipt(changed, state, groupReads);
        }

        @Override
        public Outcome groupUpdate(Content.GroupUpdate update) {
            return inGroup()
                    ? Outcome.NOTHING
                    : Outcome.group(
                            disappearing.withTimer(tx, groups.onUpdate(tx, d.sender(), update)));
        }

        @Override
        public Outcome groupLeave(Content.GroupLeave leave) {
            return inGroup()
                    ? Outcome.NOTHING
                    : Outcome.group(
                            disappearing.withTimer(tx, groups.onLeave(tx, d.sender(), leave)));
        }

        @Override
        public Outcome senderKey(Content.SenderKey key) {
            if (inGroup()) {
                return Outcome.NOTHING;
            }
            try {
                groups.onSenderKey(tx, d.sender(), d.senderDevice(), key);
            } catch (CryptoException e) {
                throw new Refused(EnvelopeRejection.Reason.MALFORMED_CONTENT, e);
            }
            return Outcome.NOTHING;
        }

        /** Whether the envelope comes from another device of this account. */
        private boolean fromOwnDevice() {
            return !inGroup() && d.sender().equals(self.account());
        }

        @Override
        public Outcome sentTranscript(Content.SentTranscript transcript) {
            if (!fromOwnDevice() || transcript.destination().equals(self.account())) {
                return ignore(transcript);
            }
            if (!(decode(transcript.content()) instanceof Content.Text text)) {
                // a copy of content this build does not keep in the history
                return Outcome.NOTHING;
            }
            Outcome sent =
                    sync.sent(
                            tx,
                            transcript.destination(),
                            null,
                            d.senderDevice(),
                            d.clientMsgId(),
                            text.text(),
                            opened.header().sentAt(),
                            self.account());
            disappearing.stampCopy(
                    tx, transcript.destination(), null, d.senderDevice(), d.clientMsgId());
            return sent;
        }

        @Override
        public Outcome readSync(Content.ReadSync read) {
            if (!fromOwnDevice()) {
                return ignore(read);
            }
            // another device sent the read receipts: nothing is owed from here
            Outcome outcome = sync.read(tx, read);
            // the timers run from when the user read them there
            disappearing.read(tx, read.peer(), read.groupId(), opened.header().sentAt());
            return outcome;
        }

        @Override
        public Outcome timerSetting(Content.TimerSetting setting) {
            if (inGroup()) {
                return ignore(setting);
            }
            return disappearing
                    .apply(tx, d.sender(), setting)
                    .map(Outcome::notice)
                    .orElse(Outcome.NOTHING);
        }

        @Override
        public Outcome deviceHello(Content.DeviceHello hello) {
            // opening it started the session that copies of this device's sends now use
            return fromOwnDevice() ? sync.hello(tx, d.senderDevice(), hello) : ignore(hello);
        }

        @Override
        public Outcome contactSync(Content.ContactSync contact) {
            return fromOwnDevice() ? sync.contact(tx, contact) : ignore(contact);
        }

        @Override
        public Outcome verifiedSync(Content.VerifiedSync verified) {
            return fromOwnDevice() ? sync.verified(tx, verified) : ignore(verified);
        }

        @Override
        public Outcome deleteSync(Content.DeleteSync delete) {
            return fromOwnDevice() ? sync.delete(tx, delete) : ignore(delete);
        }

        @Override
        public Outcome typing(Content.Typing typing) {
            // typing travels as an ephemeral envelope; a stored one carries nothing to keep
            return ignore(typing);
        }

        @Override
        public Outcome unknown(Content.Unknown unknown) {
            return ignore(unknown);
        }

        private Outcome ignore(Content content) {
            if (!inGroup()) {
                LOG.log(Log.Level.DEBUG, "ignoring content of type {0}", content);
            }
            return Outcome.NOTHING;
        }
    }
}
