package dev.cipherline.bench.jmh;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.PreKeyFactory;
import dev.cipherline.crypto.SessionCrypto;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignalProtocolStore;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/** Test devices for the JMH benchmarks: prekeys installed in a store, and sessions between two. */
final class Devices {
    static final int DEVICE = 1;

    private Devices() {}

    /**
     * Generates {@code identity}'s prekeys (one of each kind), stores them in {@code store} and
     * returns the bundle a peer would fetch from the relay.
     */
    static PreKeyBundle installPreKeys(
            Identity identity, int registrationId, SignalProtocolStore store) throws Exception {
        long now = System.currentTimeMillis();
        SignedPreKeyRecord signed = PreKeyFactory.signedPreKey(identity, 1, now);
        KyberPreKeyRecord kyber = PreKeyFactory.kyberPreKey(identity, 2, now);
        PreKeyRecord oneTime = PreKeyFactory.ecPreKeys(3, 1).get(0);
        store.storeSignedPreKey(signed.getId(), signed);
        store.storeKyberPreKey(kyber.getId(), kyber);
        store.storePreKey(oneTime.getId(), oneTime);
        return new PreKeyBundle(
                registrationId,
                DEVICE,
                oneTime.getId(),
                oneTime.getKeyPair().getPublicKey(),
                signed.getId(),
                signed.getKeyPair().getPublicKey(),
                signed.getSignature(),
                identity.keyPair().getPublicKey(),
                kyber.getId(),
                kyber.getKeyPair().getPublicKey(),
                kyber.getSignature());
    }

    /**
     * Completes a session in both directions: A starts from B's bundle, sends the PreKey message, B
     * answers, so that A's next message is a plain SignalMessage.
     */
    static void establish(
            SessionCrypto a,
            Identity aIdentity,
            SessionCrypto b,
            Identity bIdentity,
            PreKeyBundle bBundle)
            throws CryptoException {
        a.startSession(bIdentity.accountId(), DEVICE, bBundle);
        byte[] hello = a.encrypt(bIdentity.accountId(), DEVICE, new byte[] {1});
        b.decrypt(aIdentity.accountId(), DEVICE, hello);
        byte[] reply = b.encrypt(aIdentity.accountId(), DEVICE, new byte[] {2});
        a.decrypt(bIdentity.accountId(), DEVICE, reply);
    }
}
