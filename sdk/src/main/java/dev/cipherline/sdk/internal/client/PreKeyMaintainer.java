package dev.cipherline.sdk.internal.client;

import dev.cipherline.crypto.Identity;
import dev.cipherline.crypto.PreKeyFactory;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.keys.WireKeys;
import dev.cipherline.sdk.internal.outbound.Relay;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.time.Clock;
import java.util.List;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;

/**
 * Keeps this device's one-time prekeys on the relay topped up: when either kind falls below {@link
 * #LOW_WATER}, generates enough of each kind to get back to {@link Registrar#PREKEY_BATCH}, stores
 * the private halves, then uploads the public halves. Storing first means the relay never hands out
 * a prekey this device cannot use.
 */
final class PreKeyMaintainer {
    static final int LOW_WATER = 20;
    private static final Log LOG = Log.get(PreKeyMaintainer.class.getName());

    private final Database db;
    private final IdentityStore identities;
    private final SignalStore store;
    private final Identity identity;
    private final Relay requests;
    private final Clock clock;

    PreKeyMaintainer(
            Database db,
            IdentityStore identities,
            SignalStore store,
            Identity identity,
            Relay requests,
            Clock clock) {
        this.db = db;
        this.identities = identities;
        this.store = store;
        this.identity = identity;
        this.requests = requests;
        this.clock = clock;
    }

    /**
     * Asks the relay for the counts and uploads new prekeys if needed.
     *
     * @throws ChatException if the relay could not be asked (the caller retries later)
     */
    void check() {
        String requestId = Relay.newRequestId();
        Frame answer = requests.call(new Frame.GetPreKeyCount(requestId), "req:" + requestId);
        if (!(answer instanceof Frame.PreKeyCount count)) {
            LOG.log(
                    Log.Level.WARNING,
                    "the relay did not report prekey counts: {0}",
                    describe(answer));
            return;
        }
        if (count.ecPreKeys() >= LOW_WATER && count.kyberPreKeys() >= LOW_WATER) {
            return;
        }
        int ecNeeded = Math.max(0, Registrar.PREKEY_BATCH - count.ecPreKeys());
        int kyberNeeded = Math.max(0, Registrar.PREKEY_BATCH - count.kyberPreKeys());
        LocalIdentity local = identities.load().get();
        long now = clock.millis();
        List<PreKeyRecord> ec = PreKeyFactory.ecPreKeys(local.nextPreKeyId(), ecNeeded);
        List<KyberPreKeyRecord> kyber =
                PreKeyFactory.kyberPreKeys(identity, local.nextKyberPreKeyId(), kyberNeeded, now);
        db.transaction(
                c -> {
                    for (PreKeyRecord r : ec) {
                        store.storePreKey(r.getId(), r);
                    }
                    for (KyberPreKeyRecord r : kyber) {
                        store.storeKyberPreKey(r.getId(), r);
                    }
                    identities.updateNextPreKeyIds(
                            c,
                            WireKeys.advance(local.nextPreKeyId(), ec.size()),
                            WireKeys.advance(local.nextKyberPreKeyId(), kyber.size()));
                    return null;
                });
        String uploadId = Relay.newRequestId();
        Frame uploaded =
                requests.call(
                        new Frame.UploadPreKeys(
                                uploadId, null, null, WireKeys.ec(ec), WireKeys.kyber(kyber)),
                        "req:" + uploadId);
        if (uploaded instanceof Frame.Ok) {
            LOG.log(
                    Log.Level.DEBUG,
                    "uploaded {0} EC and {1} Kyber prekeys",
                    ec.size(),
                    kyber.size());
        } else {
            LOG.log(Log.Level.WARNING, "the relay refused new prekeys: {0}", describe(uploaded));
        }
    }

    private static String describe(Frame frame) {
        return frame instanceof Frame.ErrorFrame e
                ? e.code().code() + " " + e.message()
                : frame.getClass().getSimpleName();
    }
}
