package dev.cipherline.bench.jmh;

import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.SessionCrypto;
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
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/**
 * The baseline: libsignal encrypt (A) then decrypt (B) of 256 random bytes in an established
 * session, both devices on {@link InMemorySignalProtocolStore}, through crypto's {@link
 * SessionCrypto} (which adds the version/type byte and the account-ID identity check). No sealing,
 * no SQLite. Messages go one way only, so each is a chain step, not a DH ratchet step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RawSessionBenchmark {
    private SessionCrypto alice;
    private SessionCrypto bob;
    private String aliceId;
    private String bobId;
    private final byte[] plaintext = new byte[256];

    @Setup
    public void setUp() throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        aliceId = a.accountId();
        bobId = b.accountId();
        InMemorySignalProtocolStore aStore = new InMemorySignalProtocolStore(a.keyPair(), 1001);
        InMemorySignalProtocolStore bStore = new InMemorySignalProtocolStore(b.keyPair(), 1002);
        alice = new SessionCrypto(aStore);
        bob = new SessionCrypto(bStore);
        Devices.establish(alice, a, bob, b, Devices.installPreKeys(b, 1002, bStore));
        ThreadLocalRandom.current().nextBytes(plaintext);
    }

    /** One message: encrypt on A, decrypt on B. */
    @Benchmark
    public byte[] encryptDecrypt256() throws Exception {
        byte[] ciphertext = alice.encrypt(bobId, Devices.DEVICE, plaintext);
        return bob.decrypt(aliceId, Devices.DEVICE, ciphertext);
    }
}
