package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Contacts;
import dev.cipherline.sdk.Conversation;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.GroupReadState;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.OutgoingMessage;
import dev.cipherline.sdk.SafetyNumber;
import dev.cipherline.sdk.StoredMessage;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.app.OutboxResults;
import dev.cipherline.sdk.internal.app.OutgoingHandle;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.devices.OwnDeviceList;
import dev.cipherline.sdk.internal.disappear.Disappearing;
import dev.cipherline.sdk.internal.disappear.Sweeper;
import dev.cipherline.sdk.internal.group.Groups;
import dev.cipherline.sdk.internal.inbound.Receipts;
import dev.cipherline.sdk.internal.inbound.Receiver;
import dev.cipherline.sdk.internal.link.LinkSender;
import dev.cipherline.sdk.internal.outbound.OutboxThread;
import dev.cipherline.sdk.internal.outbound.OwnDeviceSync;
import dev.cipherline.sdk.internal.outbound.SendQueue;
import dev.cipherline.sdk.internal.outbound.TypingSender;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.ConversationStore;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.HistoryStore;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.VerificationStore;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine behind {@code ChatClient}: implements its API over the parts {@link Wiring} builds,
 * starts them and closes them. See {@code ChatClient} for the contract and {@link Threads} for
 * which thread does what; the relay connection's events go to {@link ConnectionEvents}.
 */
public final class ClientCore implements AutoCloseable {
    private static final int MAX_HISTORY_PAGE = 1000;

    private final ClientConfig config;
    private final Database db;
    private final LocalIdentity local;
    private final LocalDevice self;
    private final Verification verification;
    private final List<URI> relayUrls;
    private final MessageStore messages;
    private final OutboxStore outbox;
    private final ContactStore contacts;
    private final ConversationStore conversations;
    private final GroupReadStore readStates;
    private final HistoryStore history;
    private final Receipts receipts;
    private final TypingSender typingSender;
    private final Events events;
    private final Threads threads;
    private final ConnectionEvents connectionEvents;
    private final RelayConnection connection;
    private final Receiver receiver;
    private final OutboxThread worker;
    private final OutboxResults results;
    private final SendQueue sendQueue;
    private final Groups groups;
    private final OwnDeviceSync ownDevices;
    private final OwnDeviceList ownDeviceList;
    private final Contacts syncedContacts;
    private final Disappearing disappearing;
    private final Sweeper sweeper;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClientCore(Wiring w) {
        this.config = w.config;
        this.db = w.db;
        this.local = w.local;
        this.self = w.self;
        this.verification = w.verification;
        this.relayUrls = w.relayUrls;
        this.messages = w.messages;
        this.outbox = w.outbox;
        this.contacts = w.contacts;
        this.conversations = w.conversations;
        this.readStates = w.readStates;
        this.history = w.history;
        this.receipts = w.receipts;
        this.typingSender = w.typingSender;
        this.events = w.events;
        this.threads = w.threads;
        this.connectionEvents = w.connectionEvents;
        this.connection = w.connection;
        this.receiver = w.receiver;
        this.worker = w.worker;
        this.results = w.results;
        this.sendQueue = w.sendQueue;
        this.groups = w.groups;
        this.ownDevices = w.ownDevices;
        this.ownDeviceList = w.ownDeviceList;
        this.disappearing = w.disappearing;
        this.sweeper = w.sweeper;
        this.syncedContacts =
                new SyncedContacts(
                        w.contacts, (name, id) -> sync(new Content.ContactSync(id, name, false)));
    }

    /** Opens the store in the configured home and starts the client. */
    public static ClientCore open(ClientConfig config) {
        Database db = Database.open(config.home(), config.unlock());
        ClientCore core;
        try {
            Optional<LocalIdentity> local = new IdentityStore(db).load();
            if (!local.isPresent()) {
                throw new ChatException(
                        ChatException.Reason.NOT_INITIALIZED,
                        "the folder " + config.home() + " holds no identity; initialize it first");
            }
            core = new ClientCore(new Wiring(config, db, local.get()));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        core.start();
        return core;
    }

    private void start() {
        // disappearing messages whose time came while the client was closed go before the app
        // sees anything
        sweeper.start();
        receiver.replayUndelivered();
        // receipts owed when the process stopped before they reached the outbox
        receipts.flush();
        if (ownDevices.announce()) {
            // a device new to its account: the groups' members learn of it from its sender keys
            groups.distributeKeys();
        }
        connection.start();
        worker.start();
    }

    // ---- the ChatClient API ----

    public AccountInfo whoami() {
        return new AccountInfo(
                new AccountId(self.account()), self.device(), local.name(), relayUrls);
    }

    public Contacts contacts() {
        return syncedContacts;
    }

    /** Tells the account's other devices of a change made here, if it has any. */
    private void sync(Content change) {
        if (ownDevices.queue(change)) {
            worker.wake();
        }
    }

    /**
     * Names this device {@code name} and, if the account has other devices, tells them with a
     * device hello.
     */
    public void renameDevice(String name) {
        checkOpen();
        String checked = Registrar.checkDeviceName(name);
        long now = config.clock().millis();
        boolean told =
                db.transaction(
                        tx -> {
                            new DeviceNameStore(db).put(tx, self.device(), checked, now);
                            return ownDevices.renamed(tx);
                        });
        if (told) {
            worker.wake();
        }
    }

    /** The account's device list and the existing device's side of linking. */
    public LinkSender linkSender() {
        return new LinkSender(
                this::synced,
                ownDeviceList,
                local,
                relayUrls,
                config.relayTrust(),
                contacts,
                new VerificationStore(db),
                config.clock(),
                new DeviceNameStore(db),
                new GroupStore(db));
    }

    public SafetyNumber safetyNumber(AccountId peer) {
        return verification.safetyNumber(peer);
    }

    public SafetyNumber markVerified(AccountId peer) {
        SafetyNumber verified = verification.markVerified(peer);
        sync(new Content.VerifiedSync(peer.value(), verification.identityKey(peer)));
        // verifying the new number is accepting the new identity
        acceptIdentityChange(peer);
        return verified;
    }

    public Contact changeContactIdentity(String name, AccountId newId) {
        checkOpen();
        Contact changed = contacts.change(name, newId);
        sync(new Content.ContactSync(newId.value(), name, true));
        events.post(l -> l.onIdentityChanged(changed));
        return changed;
    }

    public boolean acceptIdentityChange(AccountId account) {
        checkOpen();
        boolean pending = contacts.acceptChange(account);
        long now = config.clock().millis();
        int released = db.transaction(c -> outbox.releaseHeld(c, account.value(), now));
        if (released > 0) {
            worker.wake();
        }
        return pending;
    }

    public OutgoingMessage send(String to, String text) {
        checkOpen();
        String recipient = resolve(to).value();
        if (recipient.equals(self.account())) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "cannot send a message to yourself");
        }
        MessageId id = MessageId.random();
        long now = config.clock().millis();
        boolean held =
                config.holdOnIdentityChange()
                        && contacts.byAccount(new AccountId(recipient))
                                .map(ct -> ct.identityChangedFrom() != null)
                                .orElse(false);
        OutgoingHandle handle = new OutgoingHandle(id, messages);
        results.track(handle);
        try {
            long row = sendQueue.add(recipient, id, text, now, held);
            handle.stored(row);
        } catch (RuntimeException e) {
            results.untrack(handle);
            throw e;
        }
        worker.wake();
        return handle;
    }

    public Group createGroup(String name, Collection<String> members) {
        checkOpen();
        Group g = groups.create(name, resolveAll(members));
        worker.wake();
        return g;
    }

    public Group changeMembers(String group, Collection<String> add, Collection<String> remove) {
        checkOpen();
        Group g = groups.changeMembers(group, resolveAll(add), resolveAll(remove));
        worker.wake();
        return disappearing.withTimer(g);
    }

    public void leaveGroup(String group) {
        checkOpen();
        groups.leave(group);
        worker.wake();
    }

    public List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (Group g : groups.list()) {
            out.add(disappearing.withTimer(g));
        }
        return out;
    }

    /** Sets the disappearing-message timer of the 1:1 conversation with {@code peer}. */
    public void setTimer(AccountId peer, Duration timer) {
        checkOpen();
        long seconds = Disappearing.checkTimer(timer);
        if (peer.value().equals(self.account())) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "a timer is set on a conversation with another account");
        }
        events.post(disappearing.set(peer.value(), null, seconds));
        worker.wake();
    }

    /** Sets the disappearing-message timer of {@code group}. */
    public void setGroupTimer(GroupId group, Duration timer) {
        checkOpen();
        long seconds = Disappearing.checkTimer(timer);
        events.post(disappearing.set(null, group.value(), seconds));
        worker.wake();
    }

    /** The disappearing-message timer of the conversation with {@code peer}; zero when off. */
    public Duration timer(AccountId peer) {
        return disappearing.timer(Disappearing.conversation(peer.value(), null));
    }

    /** The disappearing-message timer of {@code group}; zero when off. */
    public Duration groupTimer(GroupId group) {
        return disappearing.timer(Disappearing.conversation(null, group.value()));
    }

    public OutgoingMessage sendToGroup(String group, String text) {
        checkOpen();
        OutgoingHandle handle = groups.send(group, text, results);
        worker.wake();
        return handle;
    }

    private List<String> resolveAll(Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            out.add(resolve(name).value());
        }
        return out;
    }

    private AccountId resolve(String to) {
        return contacts.resolve(to);
    }

    public Optional<GroupReadState> readState(MessageId id) {
        return readStates.state(id);
    }

    public int groupUnreadCount(GroupId group) {
        return readStates.unread(group.value());
    }

    public int markGroupRead(GroupId group) {
        checkOpen();
        List<GroupReadStore.Unread> read =
                db.transaction(
                        c -> {
                            List<GroupReadStore.Unread> unread =
                                    GroupReadStore.markRead(c, group.value());
                            for (GroupReadStore.Unread u : unread) {
                                receipts.owe(
                                        c, u.sender(), Content.ReceiptType.READ, u.clientMsgId());
                            }
                            if (!unread.isEmpty()) {
                                long now = config.clock().millis();
                                ownDevices.readSync(
                                        c,
                                        null,
                                        group.value(),
                                        unread.get(unread.size() - 1).clientMsgId(),
                                        now);
                                disappearing.read(c, null, group.value(), now);
                            }
                            return unread;
                        });
        if (!read.isEmpty()) {
            receipts.flush();
            worker.wake();
        }
        return read.size();
    }

    public int markRead(AccountId peer) {
        checkOpen();
        List<String> read =
                db.transaction(
                        c -> {
                            List<String> ids = conversations.markRead(c, peer.value());
                            for (String id : ids) {
                                receipts.owe(c, peer.value(), Content.ReceiptType.READ, id);
                            }
                            if (!ids.isEmpty()) {
                                long now = config.clock().millis();
                                ownDevices.readSync(
                                        c, peer.value(), null, ids.get(ids.size() - 1), now);
                                disappearing.read(c, peer.value(), null, now);
                            }
                            return ids;
                        });
        if (!read.isEmpty()) {
            receipts.flush();
            worker.wake();
        }
        return read.size();
    }

    public void sendTyping(String to, boolean typing) {
        checkOpen();
        String recipient = resolve(to).value();
        if (recipient.equals(self.account())) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "cannot send typing to yourself");
        }
        // off the caller's thread; the inbound thread already serializes session work with receipt
        // and message handling
        threads.runInbound(() -> typingSender.send(recipient, typing));
    }

    public CompletableFuture<Void> synced() {
        return connectionEvents.synced();
    }

    public ConnectionState connectionState() {
        return closed.get() ? ConnectionState.CLOSED : connection.state();
    }

    public List<StoredMessage> history(AccountId peer, int limit, MessageId before) {
        checkPage(limit);
        return messages.history(peer.value(), limit, before);
    }

    public List<StoredMessage> groupHistory(GroupId group, int limit, MessageId before) {
        checkPage(limit);
        return history.groupBefore(group.value(), self.account(), limit, before);
    }

    public List<StoredMessage> historyAfter(AccountId peer, MessageId after, int limit) {
        checkPage(limit);
        return history.after(peer.value(), limit, after);
    }

    public List<StoredMessage> search(AccountId peer, String query, int limit) {
        checkPage(limit);
        if (Compat.isBlank(query)) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT, "the search text must not be blank");
        }
        return history.search(peer == null ? null : peer.value(), query, limit);
    }

    public boolean deleteMessage(AccountId peer, MessageId id) {
        boolean deleted = history.deleteMessage(peer.value(), id, config.clock().millis());
        results.forget(id);
        if (deleted) {
            sync(new Content.DeleteSync(peer.value(), id.value()));
        }
        return deleted;
    }

    public int deleteConversation(AccountId peer) {
        int deleted = history.deleteConversation(peer.value(), config.clock().millis());
        sync(new Content.DeleteSync(peer.value(), null));
        return deleted;
    }

    private static void checkPage(int limit) {
        if (limit < 1 || limit > MAX_HISTORY_PAGE) {
            throw new ChatException(
                    ChatException.Reason.INVALID_ARGUMENT,
                    "the page size must be 1.." + MAX_HISTORY_PAGE);
        }
    }

    public List<Conversation> conversations() {
        return conversations.list();
    }

    public int flush(Duration timeout) {
        return results.flush(timeout, this::checkOpen);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        connection.close();
        worker.stop();
        threads.close();
        ChatException closedError =
                new ChatException(ChatException.Reason.CLOSED, "the client is closed");
        results.abandonAll(closedError);
        connectionEvents.closed(closedError);
        events.post(l -> l.onConnectionState(ConnectionState.CLOSED));
        events.close();
        db.close();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new ChatException(ChatException.Reason.CLOSED, "the client is closed");
        }
    }
}
