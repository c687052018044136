package dev.cipherline.bench.jmh;

import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.ReceiptStore;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * SDK's own internal classes on two real SQLite stores ({@code synchronous=FULL}, WAL) in a temp
 * directory. It performs the same store operations, in the same transactions, as {@code
 * ClientCore.send}, {@code OutboxSender} and {@code Receiver}:
 *
 * <ol>
 *   <li>A: seal the inner payload with its bound header; commit the history row and the outbox row
 *   <li>A: read the outbox heads; in one transaction encrypt (session loaded from and stored to
 *       SQLite) and record the attempt
 *   <li>A: on {@code accepted}, delete the outbox row and mark the message SENT, in a commit that
 *       is not synced on its own (it becomes durable with the next synced commit; lost on power
 *       failure, the entry is sent again and the relay answers it as a duplicate)
 *   <li>B: dedup lookup; in one transaction decrypt (session in SQLite), open, check the header
 *       binding, decode the content, insert the history row and owe the delivery receipt; then mark
 *       it handed to the app
 * </ol>
 *
 * That is five commits (three on A, two on B), four of them synced to disk; session records come
 * from {@link SignalStore}'s write-through cache and are written to SQLite in the same commits.
 * {@link #sqliteSessionsOnly} isolates the libsignal part on the SDK's SQLite-backed store (no
 * sealing, no history). {@link SdkSuite} runs this with {@link RawSessionBenchmark} and prints the
 * ratio.
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
    private MessageStore aMessages;
    private OutboxStore aOutbox;
    private MessageStore bMessages;
    private ReceiptStore bReceipts;
    private SessionCrypto alice;
    private SessionCrypto bob;
    private String aliceId;
    private String bobId;
    private final String text = "x".repeat(256);
    private final byte[] raw = new byte[256];
    private long counter;

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
        aMessages = new MessageStore(aDb);
        aOutbox = new OutboxStore(aDb);
        bMessages = new MessageStore(bDb);
        bReceipts = new ReceiptStore();
        alice = new SessionCrypto(aStore);
        bob = new SessionCrypto(bStore);
        Devices.establish(alice, a, bob, b, Devices.installPreKeys(b, 1002, bStore));
    }

    @TearDown
    public void tearDown() throws IOException {
        aDb.close();
        bDb.close();
        Devices.deleteTree(dir);
    }

    /** The full path described in the class comment, for one message. */
    @Benchmark
    public long sendAndReceive() throws Exception {
        Sent sent = send();
        if (bMessages.incomingExists(aliceId, Devices.DEVICE, sent.id)) {
            throw new IllegalStateException("duplicate " + sent.id);
        }
        long row = bDb.transaction(c -> receive(c, sent));
        bMessages.markDeliveredToApp(row);
        return row;
    }

    /**
     * A burst of {@link #BURST} messages, sent one by one as above, arriving at B together: B
     * stores them in one transaction (dedup, decrypt, history, receipt owed for each), as {@code
     * Receiver.drain} does, then marks them all handed to the app in one more transaction, as the
     * receiver does after a batch. Scored per message.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long sendAndReceiveBurst() throws Exception {
        List<Sent> burst = new ArrayList<>(BURST);
        for (int i = 0; i < BURST; i++) {
            burst.add(send());
        }
        List<Long> rows =
                bDb.transaction(
                        c -> {
                            List<Long> out = new ArrayList<>(BURST);
                            for (Sent sent : burst) {
                                if (bMessages.incomingExists(aliceId, Devices.DEVICE, sent.id)) {
                                    throw new IllegalStateException("duplicate " + sent.id);
                                }
                                out.add(receive(c, sent));
                            }
                            return out;
                        });
        bDb.transaction(
                c -> {
                    for (long row : rows) {
                        bMessages.markDeliveredToApp(row);
                    }
                    return null;
                });
        return rows.get(rows.size() - 1);
    }

    /** Messages in a burst. */
    static final int BURST = 16;

    private record Sent(String id, long expiresAt, byte[] ciphertext) {}

    /** A's side: seal + history + outbox (one commit), encrypt + attempt (one), SENT (one). */
    private Sent send() throws Exception {
        String id = "m" + counter++;
        long now = System.currentTimeMillis();
        long expiresAt = now + DAY;
        byte[] sealed =
                SealedPayload.seal(
                        new SealedPayload.Header(
                                SealedPayload.KIND_MESSAGE,
                                aliceId,
                                Devices.DEVICE,
                                bobId,
                                SealedPayload.ANY_DEVICE,
                                id,
                                now,
                                expiresAt),
                        Content.encodeText(text));
        aDb.transaction(
                c -> {
                    long row = aMessages.insertOutgoing(c, bobId, Devices.DEVICE, id, text, now);
                    aOutbox.insert(c, row, bobId, id, expiresAt, sealed, now);
                    return null;
                });
        OutboxStore.Entry entry = aOutbox.heads().get(0);
        byte[] ciphertext =
                aDb.transaction(
                        c -> {
                            byte[] ct;
                            try {
                                ct = alice.encrypt(bobId, Devices.DEVICE, entry.sealed());
                            } catch (dev.cipherline.crypto.CryptoException e) {
                                throw new IllegalStateException(e);
                            }
                            aOutbox.recordAttempt(c, entry.id(), now + 1000, null);
                            return ct;
                        });
        // as OutboxResults: this commit is not synced on its own (redone if lost)
        aDb.transactionUnsynced(
                c -> {
                    aOutbox.delete(c, entry.id());
                    aMessages.setState(c, entry.messageRowId(), MessageState.SENT, null);
                    return null;
                });
        return new Sent(id, expiresAt, ciphertext);
    }

    /** B's side inside the caller's transaction: decrypt, open, check, decode, store, owe. */
    private long receive(java.sql.Connection c, Sent sent) throws java.sql.SQLException {
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
