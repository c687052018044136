package dev.cipherline.bench.jmh;

import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.SessionCrypto;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * First-message session setup (PQXDH with a Kyber-1024 prekey): A processes B's bundle, encrypts a
 * 256-byte first message (a PreKeySignalMessage), and B decrypts it, creating its side of the
 * session. In-memory stores; B's prekey generation (including Kyber key generation) is done in the
 * per-invocation setup and not measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SessionSetupBenchmark {
    private final Identity a = Identity.generate();
    private final Identity b = Identity.generate();
    private final byte[] plaintext = new byte[256];
    private SessionCrypto alice;
    private SessionCrypto bob;
    private PreKeyBundle bundle;

    @Setup(Level.Invocation)
    public void freshDevices() throws Exception {
        InMemorySignalProtocolStore bStore = new InMemorySignalProtocolStore(b.keyPair(), 1002);
        bundle = Devices.installPreKeys(b, 1002, bStore);
        alice = new SessionCrypto(new InMemorySignalProtocolStore(a.keyPair(), 1001));
        bob = new SessionCrypto(bStore);
    }

    /** startSession + first encrypt on A, first decrypt on B. */
    @Benchmark
    public byte[] pqxdhFirstMessage() throws Exception {
        alice.startSession(b.accountId(), Devices.DEVICE, bundle);
        byte[] first = alice.encrypt(b.accountId(), Devices.DEVICE, plaintext);
        return bob.decrypt(a.accountId(), Devices.DEVICE, first);
    }
}
