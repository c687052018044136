package dev.cipherline.bench.jmh;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.app.OutboxResults;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.Encryptor;
import dev.cipherline.sdk.internal.outbound.OutboxScheduler;
import dev.cipherline.sdk.internal.outbound.SendQueue;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.ReceiptStore;
import dev.cipherline.sdk.internal.store.SignalStore;
import dev.cipherline.sdk.internal.transport.Backoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SDK's path for one 256-character text message from A to B, without the network, using the
 * SDK's own internal classes on two real SQLite stores (WAL, {@code synchronous=FULL} by default)
 * in a temp directory. A's side is the SDK's own code: {@link SendQueue} queues each message as
 * {@code ClientCore.send} does, and the outbox's {@link OutboxScheduler} sends what is due through
 * a relay that accepts every envelope at once, recording the results with {@link OutboxResults}.
 * B's side performs the same store operations, in the same transactions, as {@code Receiver}, under
 * the SDK's durability rule: a commit is synced to disk right before anything that depends on it
 * leaves the device, and the others are not synced on their own (a synced WAL commit syncs them
 * too).
 *
 * <ol>
 *   <li>A: seal the inner payload with its bound header; commit the history row and the outbox row,
 *       not synced (lost on power failure, the message was never sent)
 *   <li>A: read the outbox heads and the rows after the first due one; in one synced transaction
 *       encrypt (session loaded from and stored to SQLite) and record the attempt, before the
 *       envelope leaves
 *   <li>A: on {@code accepted}, delete the outbox row and mark the message SENT, not synced (lost
 *       on power failure, the entry is sent again and the relay answers it as a duplicate)
 *   <li>B: dedup lookup; in one synced transaction (it precedes the ack) decrypt (session in
 *       SQLite), open, check the header binding, decode the content, insert the history row and owe
 *       the delivery receipt; then mark it handed to the app, synced (so that a power failure
 *       cannot hand the app a message twice)
 * </ol>
 *
 * That is five commits (three on A, two on B), three of them synced to disk; session records come
 * from {@link SignalStore}'s write-through cache, and each commit that advanced a session writes
 * its row once, with its last record, just before it commits (so a batch of 16 encrypts writes
 * Bob's session row once, not 16 times). {@link #sqliteSessionsOnly} isolates the libsignal part on
 * the SDK's SQLite-backed store (no sealing, no history). {@link SdkSuite} runs this with {@link
 * RawSessionBenchmark} and prints the ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SdkPathBenchmark {
    private static final long DAY = 86_400_000L;

    private Path dir;
    private Database aDb;
    private Database bDb;
    private SendQueue aQueue;
    private Events aEvents;
    private OutboxScheduler scheduler;
    private final List<Frame.Send> relayed = new ArrayList<>();
    private MessageStore bMessages;
    private ReceiptStore bReceipts;
    private SessionCrypto alice;
    private SessionCrypto bob;
    private String aliceId;
    private String bobId;
    private final String text = "x".repeat(256);
    private final byte[] raw = new byte[256];

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("cipherline-jmh-");
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        aliceId = a.accountId();
        bobId = b.accountId();
        aDb = Database.openUnprotected(dir.resolve("a"));
        bDb = Database.openUnprotected(dir.resolve("b"));
        SignalStore aStore = new SignalStore(aDb, a.serialize(), 1001);
        SignalStore bStore = new SignalStore(bDb, b.serialize(), 1002);
        MessageStore aMessages = new MessageStore(aDb);
        OutboxStore aOutbox = new OutboxStore(aDb);
        bMessages = new MessageStore(bDb);
        bReceipts = new ReceiptStore();
        alice = new SessionCrypto(aStore);
        bob = new SessionCrypto(bStore);
        Devices.establish(alice, a, bob, b, Devices.installPreKeys(b, 1002, bStore));
        aQueue = new SendQueue(aDb, aMessages, aOutbox, aliceId, Devices.DEVICE);
        aEvents = new Events(new ChatListener() {});
        scheduler =
                OutboxScheduler.create(
                        aDb,
                        aOutbox,
                        aStore,
                        alice,
                        new Encryptor(
                                aStore, alice, new GroupCrypto(aStore), aliceId, Devices.DEVICE),
                        this::relay,
                        new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)),
                        Clock.systemUTC(),
                        new OutboxResults(aDb, aOutbox, aMessages, aEvents),
                        null); // no group messages here
    }

    @TearDown
    public void tearDown() throws IOException {
        aEvents.close();
        aDb.close();
        bDb.close();
        dev.cipherline.bench.internal.TempDirs.delete(dir);
    }

    /** The full path described in the class comment, for one message. */
    @Benchmark
    public long sendAndReceive() throws Exception {
        Sent sent = send();
        if (bMessages.incomingExists(aliceId, Devices.DEVICE, sent.id)) {
            throw new IllegalStateException("duplicate " + sent.id);
        }
        long row = bDb.transaction(c -> receive(c, sent));
        markHandedOver(List.of(row));
        return row;
    }

    /**
     * A burst of {@link #BURST} messages: the app queues them one by one ({@link #BURST} unsynced
     * commits), the outbox's {@link OutboxScheduler} finds them all due and sends them as one batch
     * (one synced transaction encrypts all and records their attempts, one unsynced commit marks
     * all SENT); they arrive at B together: B stores them in one synced transaction (dedup,
     * decrypt, history, receipt owed for each), as {@code Receiver.drain} does, then marks them all
     * handed to the app in one synced commit. Scored per message.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long sendAndReceiveBurst() throws Exception {
        return burst(BURST);
    }

    /**
     * {@link #sendAndReceiveBurst} with {@link #BURST_FULL} messages, the most the {@link
     * OutboxScheduler} encrypts in one transaction ({@code MAX_BATCH}); {@code Receiver} stores up
     * to 64 in one. Scored per message.
     */
    @Benchmark
    @OperationsPerInvocation(BURST_FULL)
    public long sendAndReceiveBurst32() throws Exception {
        return burst(BURST_FULL);
    }

    private long burst(int size) throws Exception {
        for (int i = 0; i < size; i++) {
            queue();
        }
        List<Sent> burst = sendDue();
        if (burst.size() != size) {
            throw new IllegalStateException("sent " + burst.size() + " of " + size);
        }
        List<Long> rows =
                bDb.transaction(
                        c -> {
                            List<Long> out = new ArrayList<>(size);
                            for (Sent sent : burst) {
                                if (bMessages.incomingExists(aliceId, Devices.DEVICE, sent.id)) {
                                    throw new IllegalStateException("duplicate " + sent.id);
                                }
                                out.add(receive(c, sent));
                            }
                            return out;
                        });
        markHandedOver(rows);
        return rows.get(rows.size() - 1);
    }

    /** Messages in a burst. */
    static final int BURST = 16;

    /** Messages in a full batch. */
    static final int BURST_FULL = OutboxScheduler.MAX_BATCH;

    private record Sent(String id, long expiresAt, byte[] ciphertext) {}

    /** A's side of one message: queue it, then send what is due (that message). */
    private Sent send() {
        queue();
        List<Sent> sent = sendDue();
        if (sent.size() != 1) {
            throw new IllegalStateException("sent " + sent.size() + " messages, expected 1");
        }
        return sent.get(0);
    }

    /** {@link SendQueue}: seal, then history + outbox in one unsynced commit. */
    private void queue() {
        aQueue.add(bobId, MessageId.random(), text, System.currentTimeMillis(), false);
    }

    /**
     * The outbox with every entry due and accepted: {@link OutboxScheduler#sendDue} reads the heads
     * and the rows from the first due one, encrypts all and records their attempts in one synced
     * transaction (before anything leaves), sends them, and marks all SENT in one unsynced commit.
     */
    private List<Sent> sendDue() {
        relayed.clear();
        if (scheduler.sendDue() != 0) {
            throw new IllegalStateException("nothing was due");
        }
        List<Sent> sent = new ArrayList<>(relayed.size());
        for (Frame.Send send : relayed) {
            sent.add(
                    new Sent(
                            send.clientMsgId(),
                            send.expiresAt(),
                            send.recipients().get(0).ciphertext()));
        }
        return sent;
    }

    /** The relay: accepts every envelope at once. */
    private CompletableFuture<Frame> relay(Frame frame, String key) {
        Frame.Send send = (Frame.Send) frame;
        relayed.add(send);
        return CompletableFuture.completedFuture(
                new Frame.Accepted(send.clientMsgId(), System.currentTimeMillis()));
    }

    /** As {@code Receiver} after a batch: one synced commit marks the rows handed to the app. */
    private void markHandedOver(List<Long> rows) {
        bDb.transaction(
                c -> {
                    for (long row : rows) {
                        bMessages.markDeliveredToApp(row);
                    }
                    return null;
                });
    }

    /** B's side inside the caller's transaction: decrypt, open, check, decode, store, owe. */
    private long receive(dev.cipherline.sdk.internal.store.Tx c, Sent sent) {
        String id = sent.id;
        long expiresAt = sent.expiresAt;
        byte[] ciphertext = sent.ciphertext;
        try {
            byte[] plaintext = bob.decrypt(aliceId, Devices.DEVICE, ciphertext);
            SealedPayload.Opened opened = SealedPayload.open(plaintext);
            SealedPayload.Header h = opened.header();
            SealedPayload.checkBinding(
                    h,
                    aliceId,
                    Devices.DEVICE,
                    bobId,
                    Devices.DEVICE,
                    id,
                    SealedPayload.KIND_MESSAGE,
                    expiresAt);
            Content.Text t = (Content.Text) Content.decode(opened.body());
            long r =
                    bMessages.insertIncoming(
                            c,
                            new IncomingMessage(
                                    new MessageId(id),
                                    new AccountId(aliceId),
                                    Devices.DEVICE,
                                    t.text(),
                                    Instant.ofEpochMilli(h.sentAt()),
                                    Instant.now()));
            bReceipts.owe(c, aliceId, Content.ReceiptType.DELIVERED.code(), id);
            return r;
        } catch (dev.cipherline.crypto.CryptoException | Content.MalformedContentException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * libsignal encrypt then decrypt of 256 bytes on the SDK's SQLite-backed store, each in its own
     * transaction (as the SDK commits session state), without sealing or history.
     */
    @Benchmark
    public byte[] sqliteSessionsOnly() throws Exception {
        byte[] ciphertext =
                aDb.transaction(
                        c -> {
                            try {
                                return alice.encrypt(bobId, Devices.DEVICE, raw);
                            } catch (dev.cipherline.crypto.CryptoException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        return bDb.transaction(
                c -> {
                    try {
                        return bob.decrypt(aliceId, Devices.DEVICE, ciphertext);
                    } catch (dev.cipherline.crypto.CryptoException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }
}
