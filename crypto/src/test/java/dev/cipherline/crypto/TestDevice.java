package dev.cipherline.crypto;

import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;
import org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore;

/** A device with an in-memory libsignal store holding freshly generated prekeys. */
final class TestDevice {
    static final long NOW = 1_700_000_000_000L;

    final Identity identity;
    final int deviceId;
    final int registrationId;
    final InMemorySignalProtocolStore store;
    final SessionCrypto crypto;
    final SignedPreKeyRecord signedPreKey;
    final KyberPreKeyRecord kyberPreKey;
    final PreKeyRecord oneTimePreKey;

    TestDevice(int deviceId, int registrationId) {
        this(Identity.generate(), deviceId, registrationId);
    }

    TestDevice(Identity identity, int deviceId, int registrationId) {
        this.identity = identity;
        this.deviceId = deviceId;
        this.registrationId = registrationId;
        this.store = new InMemorySignalProtocolStore(identity.keyPair(), registrationId);
        this.crypto = new SessionCrypto(store);
        this.signedPreKey = PreKeyFactory.signedPreKey(identity, 7, NOW);
        this.kyberPreKey = PreKeyFactory.kyberPreKey(identity, 9, NOW);
        this.oneTimePreKey = PreKeyFactory.ecPreKeys(11, 1).get(0);
        store.storeSignedPreKey(signedPreKey.getId(), signedPreKey);
        store.storeKyberPreKey(kyberPreKey.getId(), kyberPreKey);
        store.storePreKey(oneTimePreKey.getId(), oneTimePreKey);
    }

    String accountId() {
        return identity.accountId();
    }

    /** The bundle a relay would hand out for this device. */
    BundleKeys bundleKeys() throws Exception {
        return new BundleKeys(
                deviceId,
                registrationId,
                identity.publicKey(),
                signedPreKey.getId(),
                signedPreKey.getKeyPair().getPublicKey().serialize(),
                signedPreKey.getSignature(),
                kyberPreKey.getId(),
                kyberPreKey.getKeyPair().getPublicKey().serialize(),
                kyberPreKey.getSignature(),
                oneTimePreKey.getId(),
                oneTimePreKey.getKeyPair().getPublicKey().serialize());
    }
}
