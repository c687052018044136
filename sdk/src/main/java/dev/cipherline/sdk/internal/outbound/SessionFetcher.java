package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.BundleVerifier;
import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.keys.WireKeys;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.util.Set;
import java.util.TreeSet;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * Starts and repairs sessions for the outbox: fetches a recipient's key bundles, refuses any whose
 * identity key does not hash to the account asked for (so a relay cannot substitute keys), starts
 * sessions from the verified ones (PQXDH), and applies a {@code mismatched-devices} answer (drops
 * the sessions of extra and stale devices, fetches missing and stale ones).
 */
final class SessionFetcher {
    private final Database db;
    private final SignalStore store;
    private final SessionCrypto sessions;
    private final Relay relay;
    private final String ownAccount;
    private final int ownDevice;

    SessionFetcher(
            Database db,
            SignalStore store,
            SessionCrypto sessions,
            Relay relay,
            String ownAccount,
            int ownDevice) {
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
        this.db = db;
        this.store = store;
        this.sessions = sessions;
        this.relay = relay;
    }

    /**
     * Starts sessions with every device of {@code recipient} if there is none yet.
     *
     * @throws SendFailure if the relay knows no such account or hands out a bad bundle
     * @throws ChatException if the relay could not be asked
     */
    void ensure(String recipient) {
        if (store.sessionDevices(recipient).isEmpty()) {
            fetch(recipient, null);
        }
    }

    /** Drops the sessions {@code m} names for {@code recipient} and fetches what is missing. */
    void fix(String recipient, Frame.MismatchedDevices m) {
        Set<Integer> refetch = new TreeSet<>();
        for (Frame.DeviceMismatch dm : m.mismatches()) {
            if (!dm.accountId().equals(recipient)) {
                continue;
            }
            for (int device : dm.extra()) {
                drop(recipient, device);
            }
            for (int device : dm.stale()) {
                drop(recipient, device);
                refetch.add(device);
            }
            refetch.addAll(dm.missing());
        }
        if (!refetch.isEmpty()) {
            fetch(recipient, refetch);
        }
    }

    /** Forgets an unusable session; the next round fetches a fresh bundle. */
    void drop(String recipient, int device) {
        store.deleteSession(new SignalProtocolAddress(recipient, device));
    }

    /** Starts sessions from freshly fetched, verified bundles; {@code only} null means all. */
    private void fetch(String recipient, Set<Integer> only) {
        String requestId = Relay.newRequestId();
        Frame answer = relay.call(new Frame.GetBundles(requestId, recipient), "req:" + requestId);
        if (answer instanceof Frame.ErrorFrame err) {
            if (err.code() == ErrorCode.NOT_FOUND || err.code() == ErrorCode.UNKNOWN_RECIPIENT) {
                throw new SendFailure("the relay knows no account " + recipient);
            }
            if (RelayAnswers.isPermanent(err.code())) {
                throw new SendFailure("the relay refused to hand out keys: " + err.message());
            }
            throw new ChatException(ChatException.Reason.RELAY_UNREACHABLE, err.message());
        }
        if (!(answer instanceof Frame.Bundles bundles)) {
            throw new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE, "unexpected answer to get-bundles");
        }
        if (!bundles.accountId().equals(recipient) || bundles.devices().isEmpty()) {
            throw new SendFailure("the relay knows no account " + recipient);
        }
        for (Frame.PreKeyBundle bundle : bundles.devices()) {
            if (only != null && !only.contains(bundle.deviceId())
                    || recipient.equals(ownAccount) && bundle.deviceId() == ownDevice) {
                // this device itself: its own bundle, handed out with the account's others
                continue;
            }
            try {
                PreKeyBundle verified =
                        BundleVerifier.verify(recipient, WireKeys.bundleKeys(bundle));
                db.transaction(
                        c -> {
                            try {
                                sessions.startSession(recipient, bundle.deviceId(), verified);
                            } catch (CryptoException ce) {
                                throw new SendFailure(refusal(recipient, bundle, ce.getMessage()));
                            }
                            return null;
                        });
            } catch (CryptoException | IllegalArgumentException ex) {
                throw new SendFailure(refusal(recipient, bundle, ex.getMessage()));
            }
        }
    }

    private static String refusal(String recipient, Frame.PreKeyBundle bundle, String why) {
        return "refused the key bundle the relay returned for "
                + recipient
                + " device "
                + bundle.deviceId()
                + ": "
                + why;
    }
}
