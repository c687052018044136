package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.DeviceAuthKey;
import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.app.OutboxResults;
import dev.cipherline.sdk.internal.devices.DeviceLists;
import dev.cipherline.sdk.internal.devices.OwnDeviceList;
import dev.cipherline.sdk.internal.disappear.Disappearing;
import dev.cipherline.sdk.internal.disappear.Sweeper;
import dev.cipherline.sdk.internal.files.FileTransfers;
import dev.cipherline.sdk.internal.group.Groups;
import dev.cipherline.sdk.internal.inbound.Acks;
import dev.cipherline.sdk.internal.inbound.Dispatch;
import dev.cipherline.sdk.internal.inbound.ExpiryNotices;
import dev.cipherline.sdk.internal.inbound.HandOver;
import dev.cipherline.sdk.internal.inbound.Opener;
import dev.cipherline.sdk.internal.inbound.Receipts;
import dev.cipherline.sdk.internal.inbound.Receiver;
import dev.cipherline.sdk.internal.inbound.Rejections;
import dev.cipherline.sdk.internal.inbound.SyncInbound;
import dev.cipherline.sdk.internal.outbound.Encryptor;
import dev.cipherline.sdk.internal.outbound.OutboxScheduler;
import dev.cipherline.sdk.internal.outbound.OutboxThread;
import dev.cipherline.sdk.internal.outbound.OwnDeviceSync;
import dev.cipherline.sdk.internal.outbound.SendQueue;
import dev.cipherline.sdk.internal.outbound.TypingSender;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.ConversationStore;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceListStore;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.DisappearingStore;
import dev.cipherline.sdk.internal.store.GroupReadStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.HistoryStore;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.SignalStore;
import dev.cipherline.sdk.internal.store.VerificationStore;
import dev.cipherline.sdk.internal.transport.Backoff;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * Builds a client's parts from its configuration, store and stored identity, and connects them:
 * nothing here does any work of its own. The parts, in the order they are made: the stores; the
 * identity and libsignal's session and group crypto; the groups; the events thread and outbox
 * results; the threads and the relay connection; the way in ({@code inbound}); the way out ({@code
 * outbound}) and the outbox thread. {@link ClientCore} then uses them to implement the API.
 */
final class Wiring {
    private static final Log LOG = Log.get(Wiring.class.getName());

    final ClientConfig config;
    final Database db;
    final LocalIdentity local;
    final LocalDevice self;
    final List<URI> relayUrls;
    final MessageStore messages;
    final OutboxStore outbox;
    final ContactStore contacts;
    final ConversationStore conversations;
    final GroupReadStore readStates;
    final HistoryStore history;
    final Verification verification;
    final Groups groups;
    final OwnDeviceSync ownDevices;
    final DeviceNameStore deviceNames;
    final Events events;
    final OutboxResults results;
    final SendQueue sendQueue;
    final Threads threads;
    final ConnectionEvents connectionEvents;
    final RelayConnection connection;
    final TypingSender typingSender;
    final Receipts receipts;
    final Receiver receiver;
    final OutboxThread worker;
    final DeviceLists deviceLists;
    final OwnDeviceList ownDeviceList;
    final DisappearingStore timers;
    final Sweeper sweeper;
    final Disappearing disappearing;
    final FileTransfers files;

    /**
     * @throws ChatException STORE_FAILURE if the stored identity is damaged
     */
    Wiring(ClientConfig config, Database db, LocalIdentity local) {
        this.config = config;
        this.db = db;
        this.local = local;
        this.self = new LocalDevice(local.accountId(), local.deviceId());
        this.relayUrls =
                config.relayUrlsOverride() != null ? config.relayUrlsOverride() : local.relayUrls();
        Clock clock = config.clock();
        this.messages = new MessageStore(db);
        this.outbox = new OutboxStore(db);
        this.contacts = new ContactStore(db);
        this.conversations = new ConversationStore(db);
        this.readStates = new GroupReadStore(db);
        this.history = new HistoryStore(db);
        this.deviceLists = new DeviceLists(new DeviceListStore(db));
        this.timers = new DisappearingStore(db);

        Identity identity;
        DeviceAuthKey authKey;
        try {
            identity = Identity.fromSerialized(local.identityKeyPair());
            authKey = DeviceAuthKey.fromPrivateBytes(local.authPrivateKey());
        } catch (CryptoException | IllegalArgumentException e) {
            throw new ChatException(
                    ChatException.Reason.STORE_FAILURE, "the stored identity is damaged", e);
        }
        this.verification =
                new Verification(
                        new VerificationStore(db), self.account(), identity.publicKey(), clock);
        SignalStore signalStore =
                new SignalStore(db, local.identityKeyPair(), local.registrationId());
        SessionCrypto sessions = new SessionCrypto(signalStore, clock);
        GroupCrypto groupCrypto = new GroupCrypto(signalStore);
        Encryptor encryptor =
                new Encryptor(signalStore, sessions, groupCrypto, self.account(), self.device());
        this.groups =
                new Groups(
                        db,
                        new GroupStore(db),
                        messages,
                        outbox,
                        groupCrypto,
                        self,
                        () -> encryptor.hasSession(self.account()),
                        signalStore::sessionDevices,
                        clock);
        groups.disappearUnder(timers);
        this.deviceNames = new DeviceNameStore(db);
        this.ownDevices = new OwnDeviceSync(db, outbox, encryptor, self, deviceNames, clock);

        this.events = new Events(config.listener());
        // messages leaving the outbox start their disappearing timers
        this.results = new OutboxResults(db, outbox, messages, events, this::sweepLater);
        this.sendQueue =
                new SendQueue(
                        db,
                        messages,
                        outbox,
                        self.account(),
                        self.device(),
                        () -> deviceLists.versionOf(self.account()),
                        timers);
        this.threads = new Threads(config.heartbeatInterval(), relayUrls, config.relayTrust());
        this.files =
                FileTransfers.create(
                        threads.http(),
                        relayUrls,
                        self,
                        authKey::sign,
                        config.home(),
                        messages.attachments(),
                        clock);
        this.sweeper =
                new Sweeper(
                        db,
                        timers,
                        events,
                        clock,
                        threads::later,
                        threads::runInbound,
                        files::deleteCopy);
        this.disappearing =
                new Disappearing(
                        db,
                        timers,
                        new GroupStore(db),
                        outbox,
                        contacts,
                        self,
                        () -> encryptor.hasSession(self.account()),
                        sweeper,
                        clock);
        this.connectionEvents = new ConnectionEvents(events);
        this.connection =
                new RelayConnection(
                        threads.http(),
                        relayUrls,
                        self.account(),
                        self.device(),
                        authKey::sign,
                        new FrameCodec(),
                        new Backoff(config.reconnectMin(), config.reconnectMax()),
                        threads.timer(),
                        threads.inbound(),
                        connectionEvents);
        Requests requests = new Requests(connection);
        this.ownDeviceList =
                new OwnDeviceList(
                        requests,
                        deviceLists,
                        identity,
                        self,
                        new DeviceList.Entry(
                                self.device(), local.registrationId(), authKey.publicKey()));
        this.typingSender =
                new TypingSender(db, encryptor, connection, self.account(), self.device(), clock);

        // the way in
        this.receipts =
                new Receipts(
                        db,
                        outbox,
                        self,
                        clock,
                        this::wakeOutbox,
                        () -> deviceLists.versionOf(self.account()));
        this.receiver =
                new Receiver(
                        db,
                        messages,
                        new Opener(
                                sessions, groupCrypto, groups.inbound(), self, clock, deviceLists),
                        new Dispatch(
                                messages,
                                receipts,
                                groups.inbound(),
                                new SyncInbound(
                                        messages,
                                        conversations,
                                        contacts,
                                        new VerificationStore(db),
                                        history,
                                        deviceNames,
                                        ownDevices::answerHello,
                                        clock),
                                self,
                                () -> encryptor.hasSession(self.account()),
                                disappearing,
                                clock),
                        new HandOver(db, messages, events, config.appListening()),
                        new Acks(
                                seqs -> connection.sendOneWay(new Frame.Ack(seqs)),
                                receipts,
                                messages,
                                clock,
                                threads::runInbound,
                                threads::later),
                        new Rejections(events, clock),
                        events,
                        threads::runInbound,
                        this::wakeOutbox);

        // the way out
        OutboxScheduler scheduler =
                OutboxScheduler.create(
                        db,
                        outbox,
                        signalStore,
                        sessions,
                        encryptor,
                        requests,
                        new Backoff(config.sendRetryMin(), config.sendRetryMax()),
                        clock,
                        results,
                        groups,
                        deviceLists);
        PreKeyMaintainer prekeys =
                new PreKeyMaintainer(
                        db, new IdentityStore(db), signalStore, identity, requests, clock);
        Events reports = events;
        Runnable onConnected =
                () -> {
                    try {
                        ownDeviceList.check(e -> reports.post(l -> l.onError(e)));
                    } catch (ChatException e) {
                        if (e.reason() == ChatException.Reason.CLOSED) {
                            throw e;
                        }
                        LOG.log(
                                Log.Level.WARNING,
                                "could not check the account's device list: {0}",
                                e.getMessage());
                    }
                    prekeys.check();
                };
        this.worker = new OutboxThread(scheduler, onConnected, connection::state, clock);
        ExpiryNotices expiry =
                new ExpiryNotices(
                        db,
                        messages,
                        contacts,
                        self,
                        events,
                        clock,
                        ack -> connection.sendOneWay(ack),
                        threads::runInbound);
        connectionEvents.attach(receiver, expiry, worker);
    }

    /** Messages left the outbox: their disappearing timers may run now. */
    private void sweepLater() {
        sweeper.wake();
    }

    /** Wakes the outbox thread: something was queued. */
    void wakeOutbox() {
        worker.wake();
    }
}
