package dev.cipherline.bench.jmh;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.outbound.Encryptor;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * Group send cost for 1,000 members: one sender-key encryption of the sealed message, and the SDK's
 * group send round around it on a real SQLite store ({@code synchronous=FULL}, WAL): in one
 * transaction, record the attempt on the outbox row and let the SDK's {@link Encryptor#group} list
 * every member device with a session (device list and session record per member, from the SDK's
 * session cache) and encrypt once with this device's sender key; then check the {@code send} frame
 * (one shared body, 1,000 recipients) and encode it for the wire. The 1,000 sessions are real: set
 * up by PQXDH from 1,000 freshly generated members' bundles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GroupSendBenchmark {
    /** Members other than the sender. */
    static final int MEMBERS = 1000;

    private Path dir;
    private Database db;
    private SignalStore store;
    private OutboxStore outbox;
    private Encryptor encryptor;
    private GroupCrypto rawGroupCrypto;
    private final FrameCodec codec = new FrameCodec();
    private final List<String> members = new ArrayList<>();
    private String own;
    private UUID distributionId;
    private byte[] sealed;
    private long outboxId;
    private final byte[] raw = new byte[256];

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("cipherline-jmh-group-");
        Identity a = Identity.generate();
        own = a.accountId();
        db = Database.openUnprotected(dir.resolve("a"));
        store = new SignalStore(db, a.serialize(), 1001);
        outbox = new OutboxStore(db);
        MessageStore messages = new MessageStore(db);
        SessionCrypto alice = new SessionCrypto(store);
        List<Object[]> bundles = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            Identity m = Identity.generate();
            members.add(m.accountId());
            InMemorySignalProtocolStore ms = new InMemorySignalProtocolStore(m.keyPair(), 2000 + i);
            bundles.add(new Object[] {m.accountId(), Devices.installPreKeys(m, 2000 + i, ms)});
        }
        db.transaction(
                c -> {
                    try {
                        for (Object[] b : bundles) {
                            alice.startSession(
                                    (String) b[0],
                                    Devices.DEVICE,
                                    (org.signal.libsignal.protocol.state.PreKeyBundle) b[1]);
                        }
                    } catch (dev.cipherline.crypto.CryptoException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                });
        GroupCrypto groupCrypto = new GroupCrypto(store);
        distributionId = UUID.randomUUID();
        groupCrypto.distribution(own, Devices.DEVICE, distributionId);
        encryptor = new Encryptor(store, alice, groupCrypto, own, Devices.DEVICE);
        rawGroupCrypto = new GroupCrypto(new InMemorySignalProtocolStore(a.keyPair(), 1001));
        rawGroupCrypto.distribution(own, Devices.DEVICE, distributionId);
        ThreadLocalRandom.current().nextBytes(raw);

        long now = System.currentTimeMillis();
        String text = "x".repeat(256);
        String id = "g1";
        sealed =
                SealedPayload.seal(
                        new SealedPayload.Header(
                                SealedPayload.KIND_MESSAGE,
                                own,
                                Devices.DEVICE,
                                members.get(0),
                                SealedPayload.ANY_DEVICE,
                                id,
                                now,
                                now + 86_400_000L),
                        Content.encodeText(text));
        db.transaction(
                c -> {
                    long row =
                            messages.insertOutgoing(
                                    c, members.get(0), Devices.DEVICE, id, text, now);
                    outbox.insert(c, row, members.get(0), id, now + 86_400_000L, sealed, now);
                    return null;
                });
        outboxId = outbox.heads().get(0).id();
    }

    @TearDown
    public void tearDown() throws IOException {
        db.close();
        dev.cipherline.bench.internal.TempDirs.delete(dir);
    }

    /** The SDK's group send path for one message to 1,000 members (see the class comment). */
    @Benchmark
    public byte[] sdkGroupSend1000() throws Exception {
        long now = System.currentTimeMillis();
        Frame.Send send =
                db.transaction(
                        c -> {
                            outbox.recordAttempt(c, outboxId, now + 1000, null);
                            return encryptor.group(
                                    members, distributionId, "g1", now + 60_000, sealed);
                        });
        codec.check(send);
        return codec.encodeBinary(send);
    }

    /** One sender-key encryption of 256 bytes on an in-memory store: the raw libsignal cost. */
    @Benchmark
    public byte[] rawSenderKeyEncrypt256() throws Exception {
        return rawGroupCrypto.encrypt(own, Devices.DEVICE, distributionId, raw);
    }
}
