package dev.cipherline.sdk.internal.inbound;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.ConversationStore;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.HistoryStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.Tx;
import dev.cipherline.sdk.internal.store.VerificationStore;
import java.time.Clock;
import java.time.Instant;

/**
 * Carries out, inside the envelope's transaction, what another device of this account tells this
 * one (PROTOCOL.md, "Own devices"): copies of what it sent, reads, contact, verification and
 * deletion changes. {@link Dispatch} calls it only for envelopes from this account; none of these
 * owes a receipt or syncs back.
 */
public final class SyncInbound {
    private static final Log LOG = Log.get(SyncInbound.class.getName());

    private final MessageStore messages;
    private final ConversationStore conversations;
    private final ContactStore contacts;
    private final VerificationStore verified;
    private final HistoryStore history;
    private final DeviceNameStore names;
    private final HelloAnswer answer;
    private final Clock clock;

    /**
     * Queues this device's own hello, without asking for an answer, in the caller's transaction.
     */
    @FunctionalInterface
    public interface HelloAnswer {
        void queue(Tx tx);
    }

    public SyncInbound(
            MessageStore messages,
            ConversationStore conversations,
            ContactStore contacts,
            VerificationStore verified,
            HistoryStore history,
            DeviceNameStore names,
            HelloAnswer answer,
            Clock clock) {
        this.names = names;
        this.answer = answer;
        this.messages = messages;
        this.conversations = conversations;
        this.contacts = contacts;
        this.verified = verified;
        this.history = history;
        this.clock = clock;
    }

    /**
     * Another device of this account says hello: its name (if it sent a valid one) is kept, and if
     * it asks for an answer (it is new), this device queues a hello of its own, with its name.
     */
    Outcome hello(Tx tx, int senderDevice, Content.DeviceHello hello) {
        if (hello.name() != null) {
            names.put(tx, senderDevice, hello.name(), clock.millis());
        }
        if (!hello.answer()) {
            return Outcome.NOTHING;
        }
        answer.queue(tx);
        return Outcome.QUEUED;
    }

    /** A message sent to {@code to} by {@code senderDevice}: stored as outgoing, sent elsewhere. */
    Outcome sent(
            Tx tx,
            String to,
            String groupId,
            int senderDevice,
            String clientMsgId,
            String text,
            long sentAt,
            String ownAccount) {
        String peer = groupId == null ? to : Sealer.groupMarker(groupId);
        if (!messages.insertSent(tx, peer, groupId, senderDevice, clientMsgId, text, sentAt)) {
            return Outcome.NOTHING;
        }
        StoredMessage sent =
                new StoredMessage(
                        new MessageId(clientMsgId),
                        new AccountId(groupId == null ? to : ownAccount),
                        Direction.OUTGOING,
                        text,
                        Instant.ofEpochMilli(sentAt),
                        null,
                        MessageState.SENT,
                        null,
                        true);
        GroupId group = groupId == null ? null : new GroupId(groupId);
        return Outcome.notice(l -> l.onSentOnOtherDevice(sent, group));
    }

    /** The user read a conversation or group up to a message on another device. */
    Outcome read(Tx tx, Content.ReadSync sync) {
        if (sync.groupId() == null) {
            AccountId peer = new AccountId(sync.peer());
            return conversations.markReadUpTo(tx, sync.peer(), sync.newestRead()).isEmpty()
                    ? Outcome.NOTHING
                    : Outcome.notice(l -> l.onReadOnOtherDevice(peer, null));
        }
        GroupId group = new GroupId(sync.groupId());
        return GroupReadStore.markReadUpTo(tx, sync.groupId(), sync.newestRead()).isEmpty()
                ? Outcome.NOTHING
                : Outcome.notice(l -> l.onReadOnOtherDevice(null, group));
    }

    /**
     * A contact added, renamed or re-pointed on another device. One that conflicts with this
     * device's contacts (the name belongs to another account here) is left as it is here.
     */
    Outcome contact(Tx tx, Content.ContactSync sync) {
        AccountId account = new AccountId(sync.account());
        try {
            if (sync.identityChange()) {
                if (!contacts.byAccount(account).isPresent()) {
                    contacts.change(sync.name(), account);
                }
            } else {
                contacts.add(sync.name(), account);
            }
        } catch (ChatException e) {
            // nothing was written: the checks come first
            LOG.log(Log.Level.DEBUG, "a contact from another device does not fit here");
        }
        return Outcome.NOTHING;
    }

    /** The user verified an identity key on another device; this device records the same. */
    Outcome verified(Tx tx, Content.VerifiedSync sync) {
        verified.markVerified(sync.account(), sync.identityKey(), clock.millis());
        contacts.acceptChange(new AccountId(sync.account()));
        return Outcome.NOTHING;
    }

    /** The user deleted a message or a conversation on another device. */
    Outcome delete(Tx tx, Content.DeleteSync sync) {
        if (sync.clientMsgId() == null) {
            history.deleteConversation(sync.peer(), clock.millis());
        } else {
            history.deleteMessage(sync.peer(), new MessageId(sync.clientMsgId()), clock.millis());
        }
        return Outcome.NOTHING;
    }
}
