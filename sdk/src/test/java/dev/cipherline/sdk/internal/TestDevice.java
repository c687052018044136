package dev.cipherline.sdk.internal;

import dev.cipherline.crypto.BundleVerifier;
import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.PreKeyFactory;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.internal.keys.WireKeys;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.nio.file.Path;
import java.util.List;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/** A device with a real SQLite store and real libsignal, for tests below the public API. */
public final class TestDevice implements AutoCloseable {
    public final Identity identity = Identity.generate();
    public final String accountId = identity.accountId();
    public final Database db;
    public final SignalStore store;
    public final SessionCrypto crypto;

    public TestDevice(Path home) {
        db = Database.openUnprotected(home);
        store = new SignalStore(db, identity.serialize(), 4242);
        crypto = new SessionCrypto(store);
    }

    /**
     * Generates and stores prekeys and returns the bundle the relay would hand out.
     *
     * @param ecPreKeyId the one-time EC prekey's ID, or -1 for none
     * @param lastResort whether the Kyber prekey is a last-resort one
     */
    public Frame.PreKeyBundle publish(int ecPreKeyId, int kyberPreKeyId, boolean lastResort) {
        long now = System.currentTimeMillis();
        SignedPreKeyRecord signed = PreKeyFactory.signedPreKey(identity, 1, now);
        store.storeSignedPreKey(1, signed);
        KyberPreKeyRecord kyber = PreKeyFactory.kyberPreKey(identity, kyberPreKeyId, now);
        if (lastResort) {
            store.storeLastResortKyberPreKey(kyberPreKeyId, kyber);
        } else {
            store.storeKyberPreKey(kyberPreKeyId, kyber);
        }
        Frame.PreKey oneTime = null;
        if (ecPreKeyId > 0) {
            PreKeyRecord ec = PreKeyFactory.ecPreKeys(ecPreKeyId, 1).get(0);
            store.storePreKey(ecPreKeyId, ec);
            oneTime = WireKeys.ec(List.of(ec)).get(0);
        }
        return new Frame.PreKeyBundle(
                1,
                4242,
                identity.publicKey(),
                WireKeys.signed(signed),
                WireKeys.kyber(kyber),
                oneTime);
    }

    /** Starts a session with {@code peer}'s device 1 from a bundle it published. */
    public void startSession(TestDevice peer, Frame.PreKeyBundle bundle) throws CryptoException {
        crypto.startSession(
                peer.accountId,
                1,
                BundleVerifier.verify(peer.accountId, WireKeys.bundleKeys(bundle)));
    }

    @Override
    public void close() {
        db.close();
    }
}
