package dev.cipherline.sdk.internal.disappear;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.NoteKind;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.content.TimerContent;
import dev.cipherline.sdk.internal.outbound.Sealer;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DisappearingStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.NoteStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.Tx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Disappearing messages (PROTOCOL.md, "Disappearing messages"): setting a conversation's or a
 * group's timer here and sending it to the other side and to this account's other devices; applying
 * a setting that arrives, by the rule that the later setting wins; and the timer each message is
 * stored under. Deleting what is due is {@link Sweeper}'s.
 *
 * <p>A conversation is named by the peer's account ID (1:1) or by the group's marker ({@code
 * group:<id>}), as in {@link DisappearingStore}.
 */
public final class Disappearing {
    private final Database db;
    private final DisappearingStore store;
    private final GroupStore groups;
    private final OutboxStore outbox;
    private final ContactStore contacts;
    private final LocalDevice self;
    private final BooleanSupplier ownDevices;
    private final Sweeper sweeper;
    private final Clock clock;
    private final Sealer sealer;

    /**
     * @param ownDevices whether this account has other devices: they are told of each setting made
     *     here
     */
    public Disappearing(
            Database db,
            DisappearingStore store,
            GroupStore groups,
            OutboxStore outbox,
            ContactStore contacts,
            LocalDevice self,
            BooleanSupplier ownDevices,
            Sweeper sweeper,
            Clock clock) {
        this.sweeper = sweeper;
        this.db = db;
        this.store = store;
        this.groups = groups;
        this.outbox = outbox;
        this.contacts = contacts;
        this.self = self;
        this.ownDevices = ownDevices;
        this.clock = clock;
        this.sealer = new Sealer(self.account(), self.device());
    }

    /** The key of a 1:1 conversation ({@code groupId} null) or of a group. */
    public static String conversation(String peer, String groupId) {
        return groupId == null ? peer : Sealer.groupMarker(groupId);
    }

    /** The timer of a conversation; zero when it is off. */
    public Duration timer(String conversation) {
        return Duration.ofSeconds(store.seconds(conversation));
    }

    /** The seconds of a conversation's timer (0: off), for the way out. */
    public long seconds(String conversation) {
        return store.seconds(conversation);
    }

    /**
     * Checks a timer the app asked for: zero (off) or 1 second .. 365 days, in whole seconds.
     *
     * @throws ChatException INVALID_ARGUMENT otherwise
     */
    public static long checkTimer(Duration timer) {
        if (timer.isNegative() || timer.getNano() != 0 || !TimerContent.valid(timer.getSeconds())) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a disappearing-message timer is off (zero) or "
                            + TimerContent.MIN_SECONDS
                            + " s .. "
                            + TimerContent.MAX_SECONDS / 86400
                            + " days, in whole seconds");
        }
        return timer.getSeconds();
    }

    /**
     * Sets the timer of the 1:1 conversation with {@code peer}, or of the group {@code groupId}
     * (this account must be a member), and queues the setting to the other side (the peer's
     * devices, or every member's) and to this account's other devices, with a history note, in one
     * transaction.
     *
     * @return what the app is told of the note, once committed
     * @throws ChatException UNKNOWN_CONTACT for a group this device does not know; INVALID_ARGUMENT
     *     if this account is not a member of it
     */
    public Consumer<ChatListener> set(String peer, String groupId, long seconds) {
        String key = conversation(peer, groupId);
        return db.transaction(
                tx -> {
                    List<String> to = new ArrayList<>();
                    if (groupId == null) {
                        to.add(peer);
                    } else {
                        GroupStore.Row g =
                                groups.find(tx, groupId)
                                        .orElseThrow(
                                                () ->
                                                        new ChatException(
                                                                ChatException.Reason
                                                                        .UNKNOWN_CONTACT,
                                                                "no such group"));
                        if (!g.active()) {
                            throw new ChatException(
                                    ChatException.Reason.INVALID_ARGUMENT,
                                    "this account is not a member of '" + g.name() + "'");
                        }
                        to.addAll(new TreeSet<>(g.members()));
                        to.remove(self.account());
                    }
                    if (ownDevices.getAsBoolean()) {
                        to.add(self.account());
                    }
                    long now = clock.millis();
                    // a setting made here must win over every one this device applied, even one
                    // stamped by a clock ahead of this one
                    long setAt =
                            Math.max(now, store.find(tx, key).map(t -> t.setAt() + 1).orElse(now));
                    store.putIfNewer(
                            tx, key, new DisappearingStore.Timer(seconds, setAt, self.account()));
                    byte[] body =
                            TimerContent.encode(
                                    new Content.TimerSetting(
                                            groupId == null ? peer : null,
                                            groupId,
                                            seconds,
                                            setAt));
                    for (String account : to) {
                        sealer.queueControl(tx, outbox, account, body, now);
                    }
                    return note(tx, peer, groupId, self.account(), seconds, now);
                });
    }

    /**
     * Applies a timer setting that {@code sender} sent, in the envelope's transaction: to the 1:1
     * conversation with the sender (the setting must name this account), or, from another device of
     * this account, to the conversation it names; to a group if the sender is one of its members.
     * It is kept if it is newer than the stored one ({@link DisappearingStore#putIfNewer}).
     *
     * @return what the app is told (the note), or empty if it was not applied
     */
    public Optional<Consumer<ChatListener>> apply(
            Tx tx, String sender, Content.TimerSetting setting) {
        String peer = null;
        if (setting.groupId() == null) {
            if (sender.equals(self.account())) {
                if (setting.peer().equals(self.account())) {
                    return Optional.empty();
                }
                peer = setting.peer();
            } else if (setting.peer().equals(self.account())) {
                peer = sender;
            } else {
                return Optional.empty();
            }
        } else {
            Optional<GroupStore.Row> g = groups.find(tx, setting.groupId());
            if (!g.isPresent() || !g.get().active() || !g.get().members().contains(sender)) {
                return Optional.empty();
            }
        }
        String key = conversation(peer, setting.groupId());
        if (!store.putIfNewer(
                tx, key, new DisappearingStore.Timer(setting.seconds(), setting.setAt(), sender))) {
            return Optional.empty();
        }
        return Optional.of(
                note(tx, peer, setting.groupId(), sender, setting.seconds(), clock.millis()));
    }

    /**
     * Stamps a message just stored in row {@code row} of the 1:1 conversation with {@code peer} (or
     * of the group {@code groupId}) with the conversation's current timer.
     */
    public void stampIncoming(Tx tx, long row, String peer, String groupId) {
        store.stampCurrent(tx, row, conversation(peer, groupId));
    }

    /** Stamps an outgoing message stored in row {@code row} with a timer of {@code seconds}. */
    public void stampOutgoing(Tx tx, long row, long seconds) {
        store.stamp(tx, row, seconds);
    }

    /**
     * Stamps and starts the copy of a message another device of this account sent to {@code peer}
     * (or to the group {@code groupId}).
     */
    public void stampCopy(
            Tx tx, String peer, String groupId, int senderDevice, String clientMsgId) {
        if (store.stampCopy(
                tx,
                conversation(peer, groupId),
                groupId == null ? peer : Sealer.groupMarker(groupId),
                senderDevice,
                clientMsgId)) {
            sweeper.wake();
        }
    }

    /**
     * Starts the timers of the messages of a conversation just marked read, here or on another
     * device, at {@code readAt}, and has the {@link Sweeper} wait for them.
     */
    public void read(Tx tx, String peer, String groupId, long readAt) {
        if (store.startRead(tx, peer, groupId, readAt) > 0) {
            // inside the transaction: a rollback makes this a wake-up that finds nothing due
            sweeper.wake();
        }
    }

    /** {@code group} (null: none) with its current timer, in the caller's transaction. */
    public Group withTimer(Tx tx, Group group) {
        if (group == null) {
            return null;
        }
        long seconds =
                store.find(tx, Sealer.groupMarker(group.id().value()))
                        .map(DisappearingStore.Timer::seconds)
                        .orElse(0L);
        return group.withDisappearingTimer(Duration.ofSeconds(seconds));
    }

    /** {@code group} with its current timer. */
    public Group withTimer(Group group) {
        return group.withDisappearingTimer(timer(Sealer.groupMarker(group.id().value())));
    }

    /** Writes the history note of a timer change; returns what the app is told once committed. */
    private Consumer<ChatListener> note(
            Tx tx, String peer, String groupId, String setBy, long seconds, long at) {
        String text = sentence(setBy.equals(self.account()) ? null : name(setBy), seconds);
        Note note = new Note(NoteKind.TIMER_CHANGED, new AccountId(setBy), seconds, text);
        MessageId id =
                NoteStore.add(tx, groupId == null ? peer : groupId, groupId != null, note, at);
        AccountId account = groupId == null ? new AccountId(peer) : null;
        GroupId group = groupId == null ? null : new GroupId(groupId);
        return l -> l.onNote(note, account, group, id);
    }

    private String name(String account) {
        return contacts.byAccount(new AccountId(account)).map(Contact::name).orElse(account);
    }

    /**
     * The note's sentence: "alice set messages to disappear after 1 hour", "You turned off
     * disappearing messages" ({@code who} null: this account).
     */
    static String sentence(String who, long seconds) {
        String subject = who == null ? "You" : who;
        if (seconds == 0) {
            return subject + " turned off disappearing messages";
        }
        return subject + " set messages to disappear after " + describe(seconds);
    }

    /** A timer in words: "1 hour", "90 seconds", "2 weeks". */
    public static String describe(long seconds) {
        long[] sizes = {7 * 86400, 86400, 3600, 60, 1};
        String[] names = {"week", "day", "hour", "minute", "second"};
        for (int i = 0; i < sizes.length; i++) {
            if (seconds % sizes[i] == 0) {
                long n = seconds / sizes[i];
                return n + " " + names[i] + (n == 1 ? "" : "s");
            }
        }
        throw new AssertionError("unreachable");
    }
}
