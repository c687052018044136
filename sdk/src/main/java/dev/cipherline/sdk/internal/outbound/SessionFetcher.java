package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.BundleVerifier;
import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.devices.DeviceListException;
import dev.cipherline.sdk.internal.devices.DeviceLists;
import dev.cipherline.sdk.internal.keys.WireKeys;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * Starts and repairs sessions for the outbox: fetches a recipient's key bundles, refuses any whose
 * identity key does not hash to the account asked for (so a relay cannot substitute keys), checks
 * them against the account's signed device list (so a relay can neither add a device nor hide one
 * that the list names), starts sessions from the verified ones (PQXDH), and applies a {@code
 * mismatched-devices} answer (drops the sessions of extra and stale devices, fetches missing and
 * stale ones). Before each send, the devices it has sessions with must be those of the newest
 * signed list it has seen; otherwise it asks the relay again, and a device of the list that the
 * relay still does not hand out fails the send.
 */
final class SessionFetcher {
    private final Database db;
    private final SignalStore store;
    private final SessionCrypto sessions;
    private final Relay relay;
    private final DeviceLists lists;
    private final String ownAccount;
    private final int ownDevice;

    SessionFetcher(
            Database db,
            SignalStore store,
            SessionCrypto sessions,
            Relay relay,
            DeviceLists lists,
            String ownAccount,
            int ownDevice) {
        this.lists = lists;
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
        List<Integer> have = store.sessionDevices(recipient);
        DeviceList pinned = lists.pinned(recipient);
        long announced = lists.announced(recipient);
        boolean behind = announced > versionOf(pinned);
        if (!have.isEmpty()
                && !behind
                && (pinned == null || expected(recipient, pinned).equals(new TreeSet<>(have)))) {
            return;
        }
        // no session yet; or a message of the account showed a newer list than this device has
        // seen; or the sessions and the signed list disagree (a device was added, a session broke,
        // or a device left). Ask the relay: it must hand out every device of a list at least as
        // new as both, and sessions with devices no longer in it end.
        if (have.isEmpty()) {
            fetch(recipient, null);
        } else {
            fetch(recipient, new TreeSet<>());
        }
        DeviceList now = lists.pinned(recipient);
        if (announced > versionOf(now)) {
            throw new SendFailure(
                    "a message from "
                            + recipient
                            + " showed version "
                            + announced
                            + " of its signed device list, but the relay hands out "
                            + (now == null ? "none" : "version " + now.version())
                            + ": the relay may be hiding a device; not sent");
        }
        if (now != null) {
            for (int device : have) {
                if (!now.contains(device)) {
                    drop(recipient, device);
                }
            }
        }
    }

    /**
     * Whether a send to {@code recipient} can go out on the sessions this device has, with no
     * request first: it has sessions, no message of the account showed a newer device list than the
     * pinned one, and the sessions are those of the pinned list (if there is one).
     */
    boolean inStep(String recipient) {
        List<Integer> have = store.sessionDevices(recipient);
        if (have.isEmpty()) {
            return false;
        }
        DeviceList pinned = lists.pinned(recipient);
        if (lists.announced(recipient) > versionOf(pinned)) {
            return false;
        }
        return pinned == null || expected(recipient, pinned).equals(new TreeSet<>(have));
    }

    private static long versionOf(DeviceList list) {
        return list == null ? 0 : list.version();
    }

    /** The devices of {@code list} this device encrypts to: all but itself. */
    private Set<Integer> expected(String recipient, DeviceList list) {
        Set<Integer> devices = new TreeSet<>(list.deviceIds());
        if (recipient.equals(ownAccount)) {
            devices.remove(ownDevice);
        }
        return devices;
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
        DeviceList list;
        try {
            list =
                    lists.accept(
                            recipient,
                            bundles.devices().get(0).identityKey(),
                            bundles.deviceList());
        } catch (DeviceListException e) {
            throw new SendFailure(e.getMessage());
        }
        if (list != null) {
            checkAgainst(recipient, list, bundles.devices());
            if (only != null) {
                // every device of the list this device has no session with yet
                Set<Integer> wanted = expected(recipient, list);
                wanted.removeAll(store.sessionDevices(recipient));
                wanted.addAll(only);
                only = wanted;
            }
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

    /**
     * Checks the relay's bundles against the account's signed list: every bundle is of a device in
     * the list with the listed registration ID (so the relay added no device), and every device of
     * the list but this one has a bundle (so the relay hid none).
     *
     * @throws SendFailure naming the account and the device otherwise
     */
    private void checkAgainst(String recipient, DeviceList list, List<Frame.PreKeyBundle> bundles) {
        Set<Integer> handedOut = new TreeSet<>();
        for (Frame.PreKeyBundle bundle : bundles) {
            DeviceList.Entry entry = list.entry(bundle.deviceId());
            if (entry == null || entry.registrationId() != bundle.registrationId()) {
                throw new SendFailure(
                        "the relay handed out keys for device "
                                + bundle.deviceId()
                                + " of "
                                + recipient
                                + ", which is not in the account's signed device list (version "
                                + list.version()
                                + ") with that registration: not sent");
            }
            handedOut.add(bundle.deviceId());
        }
        for (int device : expected(recipient, list)) {
            if (!handedOut.contains(device)) {
                throw new SendFailure(
                        "device "
                                + device
                                + " of "
                                + recipient
                                + " is in the account's signed device list (version "
                                + list.version()
                                + ") but the relay handed out no keys for it: the relay may be"
                                + " hiding it; not sent");
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
