package dev.cipherline.relay.internal.store.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.store.BlobStore;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.DeviceInfo;
import dev.cipherline.relay.internal.store.DeviceLeases;
import dev.cipherline.relay.internal.store.DeviceListRules;
import dev.cipherline.relay.internal.store.ExpiryNotice;
import dev.cipherline.relay.internal.store.Invite;
import dev.cipherline.relay.internal.store.InviteOutcome;
import dev.cipherline.relay.internal.store.PreKeyCounts;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.QueueTotals;
import dev.cipherline.relay.internal.store.RelayStore;
import dev.cipherline.relay.internal.store.SendHolds;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.SignedDeviceList;
import dev.cipherline.relay.internal.store.StoreClosedException;
import dev.cipherline.relay.internal.store.StoreSettings;
import dev.cipherline.relay.internal.store.StoreThreads;
import dev.cipherline.relay.internal.store.StoreUnavailableException;
import dev.cipherline.relay.internal.store.SweepResult;
import dev.cipherline.relay.internal.store.UnknownDeviceException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The cluster store: every relay node keeps its devices, prekeys, queues and leases in one MongoDB
 * database (a replica set of MongoDB 6.0 or later in production), with the collections and indexes
 * of {@link MongoSchema}. It behaves like the SQLite store from the outside, without multi-document
 * transactions: every step is atomic on one document, and the steps of a send run in an order that
 * never loses an accepted message and never hands out a seq twice (see {@link
 * dev.cipherline.relay.internal.store.QueueStore#store}).
 *
 * <p>Writes use the write concern of {@link MongoSettings} (by default a journaled majority) and
 * run on {@value #WRITERS} writer threads, each write on the thread its device picks (a send on its
 * sender's): one device's writes run one at a time and in order, so the sends of one connection are
 * stored and answered in the order they came, while writes of other devices wait for nothing but
 * the database. Writes of different devices may interleave in any order, exactly as those of two
 * nodes do; the store's steps are safe for that. Reads read the primary on two reader threads. A
 * future fails with {@link StoreUnavailableException} when the database cannot be reached, with
 * {@link StoreClosedException} after {@link #drainWrites} or {@link #close}.
 */
public final class MongoRelayStore implements RelayStore, DeviceLeases {
    private static final System.Logger LOG = System.getLogger(MongoRelayStore.class.getName());
    private static final int READERS = 2;

    /**
     * Each write waits for a round trip to a majority of the replica set: with one writer a node
     * would store about one send per few round trips; eight keep the database busy instead.
     */
    static final int WRITERS = 8;

    private final MongoClient client;
    private final Clock clock;
    private final StoreSettings settings;
    private final MongoQueues queues;
    private final MongoDevices devices;
    private final MongoDeviceLists lists;
    private final MongoLeases leases;
    private final MongoInvites invites;
    private final MongoProvisioning provisioning;
    private final MongoBlobs blobs;
    private final List<ExecutorService> writers;
    private final ExecutorService readers;
    private final Object lock = new Object();
    private CompletableFuture<Void> drained;

    private MongoRelayStore(
            MongoClient client, MongoSchema schema, StoreSettings settings, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.settings = settings;
        this.queues = new MongoQueues(schema, settings.queueQuota(), settings.maxSentNotices());
        this.devices = new MongoDevices(schema);
        this.lists = new MongoDeviceLists(schema);
        this.leases = new MongoLeases(schema);
        this.invites = new MongoInvites(schema);
        this.provisioning = new MongoProvisioning(schema);
        this.blobs = new MongoBlobs(schema, this::write, this::read);
        List<ExecutorService> w = new ArrayList<>(WRITERS);
        for (int i = 0; i < WRITERS; i++) {
            w.add(
                    Executors.newSingleThreadExecutor(
                            StoreThreads.named("relay-mongo-writer-" + (i + 1))));
        }
        this.writers = List.copyOf(w);
        this.readers =
                Executors.newFixedThreadPool(READERS, StoreThreads.named("relay-mongo-reader"));
    }

    /**
     * Connects to the database, creates the collections' indexes if they are missing, and starts
     * the store's writer thread and reader threads, which {@link #close} stops.
     *
     * @throws StoreUnavailableException if the database cannot be reached within the server
     *     selection timeout
     */
    public static MongoRelayStore open(
            MongoSettings settings, StoreSettings storeSettings, Clock clock) {
        MongoClient client = MongoClients.create(clientSettings(settings));
        try {
            MongoSchema schema =
                    new MongoSchema(
                            client.getDatabase(settings.database())
                                    .withWriteConcern(settings.writeConcern())
                                    .withReadPreference(ReadPreference.primary()));
            schema.createIndexes(storeSettings.sendIdRetention());
            return new MongoRelayStore(client, schema, storeSettings, clock);
        } catch (MongoException e) {
            client.close();
            throw new StoreUnavailableException(e);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static MongoClientSettings clientSettings(MongoSettings s) {
        return MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(s.uri()))
                .writeConcern(s.writeConcern())
                .readPreference(ReadPreference.primary())
                .applyToClusterSettings(
                        b ->
                                b.serverSelectionTimeout(
                                        s.serverSelectionTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS))
                .applyToSocketSettings(
                        b ->
                                b.connectTimeout(
                                                s.connectTimeout().toMillis(),
                                                TimeUnit.MILLISECONDS)
                                        .readTimeout(
                                                s.operationTimeout().toMillis(),
                                                TimeUnit.MILLISECONDS))
                .build();
    }

    @Override
    public CompletableFuture<Void> register(Registration registration) {
        long now = clock.millis();
        return write(
                registration.accountId(),
                () -> {
                    registerNow(registration, now);
                    return null;
                });
    }

    private void registerNow(Registration registration, long now) {
        Map<Integer, DeviceListRules.Registered> after = lists.registered(registration.accountId());
        after.put(
                registration.deviceId(),
                new DeviceListRules.Registered(
                        registration.registrationId(), registration.authKey()));
        lists.apply(
                registration.accountId(), DeviceListRules.read(registration.deviceList()), after);
        if (devices.register(registration, now)) {
            queues.clear(
                    MongoSchema.id(
                            new DeviceAddress(registration.accountId(), registration.deviceId())));
        }
    }

    @Override
    public CompletableFuture<QueueTotals> queueTotals() {
        return read(invites::totals);
    }

    @Override
    public CompletableFuture<Void> probe() {
        long now = clock.millis();
        return write(
                "probe",
                () -> {
                    invites.probe(now);
                    return null;
                });
    }

    @Override
    public CompletableFuture<List<DeviceInfo>> devices(String accountId) {
        return read(() -> invites.devices(accountId));
    }

    @Override
    public CompletableFuture<Void> seen(DeviceAddress device, long at) {
        return write(
                device.accountId(),
                () -> {
                    invites.seen(device, at);
                    return null;
                });
    }

    /**
     * Deletes the device documents first, so that sends stop addressing them, then their prekeys
     * and queues; each step is safe to repeat should the relay die between them.
     */
    @Override
    public CompletableFuture<List<Integer>> revokeDevices(String accountId, Integer deviceId) {
        return write(
                accountId,
                () -> {
                    List<Integer> revoked = new ArrayList<>();
                    if (deviceId == null) {
                        lists.delete(accountId);
                    }
                    for (DeviceInfo d : invites.devices(accountId)) {
                        if (deviceId != null && d.deviceId() != deviceId) {
                            continue;
                        }
                        String id = MongoSchema.id(new DeviceAddress(accountId, d.deviceId()));
                        devices.delete(id);
                        queues.clear(id);
                        revoked.add(d.deviceId());
                    }
                    return revoked;
                });
    }

    @Override
    public CompletableFuture<Void> openMailbox(String id, long now, long expiresAt) {
        return write(
                id,
                () -> {
                    provisioning.open(id, now, expiresAt);
                    return null;
                });
    }

    @Override
    public CompletableFuture<MailboxState> putMailbox(String id, byte[] payload, long now) {
        byte[] copy = payload.clone();
        return write(id, () -> provisioning.put(id, copy, now));
    }

    @Override
    public CompletableFuture<Taken> takeMailbox(String id, long now) {
        return write(id, () -> provisioning.take(id, now));
    }

    @Override
    public CompletableFuture<Void> createInvite(Invite invite) {
        return write(
                invite.id(),
                () -> {
                    invites.create(invite);
                    return null;
                });
    }

    @Override
    public CompletableFuture<List<Invite>> invites() {
        return read(invites::list);
    }

    @Override
    public CompletableFuture<Boolean> revokeInvite(String id) {
        return write(id, () -> invites.revoke(id));
    }

    /**
     * Takes the invite's use with one atomic update, then registers; if the registration throws,
     * the use is given back before the future fails. Only a crash between the two loses that use
     * (the device is then not registered, and the operator can create another invite).
     */
    @Override
    public CompletableFuture<InviteOutcome> registerWithInvite(
            Registration registration, byte[] tokenHash, long now) {
        byte[] hash = tokenHash.clone();
        long registeredAt = clock.millis();
        return write(
                registration.accountId(),
                () -> {
                    InviteOutcome[] why = new InviteOutcome[1];
                    String id = invites.take(hash, now, why);
                    if (id == null) {
                        return why[0];
                    }
                    try {
                        registerNow(registration, registeredAt);
                    } catch (RuntimeException e) {
                        try {
                            invites.giveBack(id);
                        } catch (RuntimeException giveBackFailure) {
                            e.addSuppressed(giveBackFailure);
                        }
                        throw e;
                    }
                    return InviteOutcome.REGISTERED;
                });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> deviceList(String accountId) {
        return read(() -> lists.stored(accountId));
    }

    @Override
    public CompletableFuture<Optional<byte[]>> identityKey(DeviceAddress device) {
        return read(() -> devices.identityKey(device));
    }

    @Override
    public CompletableFuture<Void> putDeviceList(String accountId, SignedDeviceList list) {
        return write(
                accountId,
                () -> {
                    lists.apply(accountId, list, lists.registered(accountId));
                    return null;
                });
    }

    /**
     * Stores the new list first (see {@link MongoDeviceLists}), then deletes the device as {@link
     * #revokeDevices} does.
     */
    @Override
    public CompletableFuture<Boolean> removeDevice(
            String accountId, int deviceId, SignedDeviceList list) {
        return write(
                accountId,
                () -> {
                    Map<Integer, DeviceListRules.Registered> after = lists.registered(accountId);
                    boolean registered = after.remove(deviceId) != null;
                    if (!registered
                            && !DeviceListRules.names(
                                    lists.stored(accountId).orElse(null), deviceId)) {
                        return false;
                    }
                    if (after.isEmpty()) {
                        lists.delete(accountId);
                    } else {
                        lists.apply(accountId, list, after);
                    }
                    if (registered) {
                        String id = MongoSchema.id(new DeviceAddress(accountId, deviceId));
                        devices.delete(id);
                        queues.clear(id);
                    }
                    return true;
                });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> authKey(DeviceAddress device) {
        return read(() -> devices.authKey(device));
    }

    @Override
    public CompletableFuture<List<Frame.PreKeyBundle>> takeBundles(String accountId) {
        return write(accountId, () -> devices.takeBundles(accountId));
    }

    @Override
    public CompletableFuture<Void> uploadPreKeys(DeviceAddress device, Frame.UploadPreKeys upload) {
        return write(
                device.accountId(),
                () -> {
                    devices.upload(device, upload);
                    return null;
                });
    }

    @Override
    public CompletableFuture<PreKeyCounts> preKeyCounts(DeviceAddress device) {
        return read(() -> devices.counts(device));
    }

    @Override
    public CompletableFuture<SendOutcome> store(SendRequest send) {
        return write(
                send.sender().accountId(),
                () -> SendHolds.guard(send, () -> queues.store(send), null));
    }

    @Override
    public CompletableFuture<List<QueueEntry>> read(
            DeviceAddress device, long afterSeq, int limit, long maxBytes) {
        long now = clock.millis();
        return read(() -> queues.read(device, afterSeq, limit, maxBytes, now));
    }

    @Override
    public CompletableFuture<Long> lastSeq(DeviceAddress device) {
        return read(() -> queues.lastSeq(device));
    }

    @Override
    public CompletableFuture<Integer> ack(DeviceAddress device, List<Long> seqs) {
        return write(
                device.accountId(),
                () -> {
                    if (devices.authKey(device).isEmpty()) {
                        throw new UnknownDeviceException(device);
                    }
                    return queues.ack(MongoSchema.id(device), seqs);
                });
    }

    @Override
    public CompletableFuture<List<ExpiryNotice>> notices(
            DeviceAddress device, long afterId, int limit) {
        // on the account's writer, after the acks a previous connection of the device sent
        return write(device.accountId(), () -> queues.notices().read(device, afterId, limit));
    }

    @Override
    public CompletableFuture<Void> ackNotices(DeviceAddress device, List<Frame.NoticeAck> acks) {
        return write(
                device.accountId(),
                () -> {
                    queues.notices().ack(MongoSchema.id(device), acks);
                    return null;
                });
    }

    @Override
    public CompletableFuture<SweepResult> sweep() {
        long now = clock.millis();
        long cutoff = now - settings.sendIdRetention().toMillis();
        return write(
                "sweep",
                () -> {
                    provisioning.sweep(now);
                    return queues.sweep(now, cutoff);
                });
    }

    @Override
    public CompletableFuture<Optional<Holder>> claim(
            DeviceAddress device, Holder holder, long untilMillis) {
        long now = clock.millis();
        return write(device.accountId(), () -> leases.claim(device, holder, untilMillis, now));
    }

    @Override
    public CompletableFuture<Set<DeviceAddress>> renew(
            String nodeId, Map<DeviceAddress, String> connections, long untilMillis) {
        Map<DeviceAddress, String> copy = Map.copyOf(connections);
        return write(nodeId, () -> leases.renew(nodeId, copy, untilMillis));
    }

    @Override
    public CompletableFuture<Void> release(DeviceAddress device, Holder holder) {
        return write(
                device.accountId(),
                () -> {
                    leases.release(device, holder);
                    return null;
                });
    }

    @Override
    public CompletableFuture<Optional<Holder>> holder(DeviceAddress device, long nowMillis) {
        return read(() -> leases.holder(device, nowMillis));
    }

    /**
     * Runs a write on the writer that {@code key} picks: the writes of one key (an account, whose
     * devices' sends, acks and registrations it orders) run one at a time, in order.
     */
    private <T> CompletableFuture<T> write(String key, Supplier<T> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        synchronized (lock) {
            if (drained != null) {
                future.completeExceptionally(new StoreClosedException());
                return future;
            }
            // under the lock: drainWrites() queues its markers after every accepted write
            writers.get(Math.floorMod(key.hashCode(), WRITERS)).execute(() -> run(op, future));
        }
        return future;
    }

    private <T> CompletableFuture<T> read(Supplier<T> op) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            readers.execute(() -> run(op, future));
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(new StoreClosedException());
        }
        return future;
    }

    private static <T> void run(Supplier<T> op, CompletableFuture<T> future) {
        try {
            future.complete(op.get());
        } catch (MongoException e) {
            // lost connection, no primary, timeout, or a write the database refused: nothing the
            // caller can fix but retrying later
            future.completeExceptionally(new StoreUnavailableException(e));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    @Override
    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public CompletableFuture<Void> drainWrites() {
        synchronized (lock) {
            if (drained == null) {
                List<CompletableFuture<Void>> markers = new ArrayList<>();
                for (ExecutorService writer : writers) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    writer.execute(() -> done.complete(null));
                    markers.add(done);
                }
                drained = CompletableFuture.allOf(markers.toArray(CompletableFuture[]::new));
            }
            return drained;
        }
    }

    @Override
    public void close() {
        try {
            drainWrites().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "the writer did not finish its last writes in 30 s");
        }
        List<ExecutorService> all = new ArrayList<>(writers);
        all.add(readers);
        for (ExecutorService threads : all) {
            threads.shutdown();
            try {
                threads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
    }
}
