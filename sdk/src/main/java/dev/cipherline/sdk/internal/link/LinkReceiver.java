package dev.cipherline.sdk.internal.link;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.DeviceLink;
import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.Identity;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProtocolException;
import dev.cipherline.protocol.ProvisioningPayload;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.registration.Registrar;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import dev.cipherline.sdk.internal.store.VerificationStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The new device's side of linking: opens a provisioning mailbox, waits for the existing device's
 * sealed payload, opens and checks it, and registers this device with what it holds. The ephemeral
 * keys live only in this object.
 */
public final class LinkReceiver {
    /** How often the mailbox is asked while waiting. */
    static final Duration POLL = Duration.ofSeconds(1);

    private final Path home;
    private final URI relay;
    private final String name;
    private final String deviceName;
    private final StoreKeyTable.Unlock unlock;
    private final String invite;
    private final RelayTrust trust;
    private final Clock clock;
    private final DeviceLink.Receiver keys;
    private final Mailbox.Opened mailbox;
    private final LinkUri uri;
    private boolean done;

    private LinkReceiver(
            Path home,
            URI relay,
            String name,
            StoreKeyTable.Unlock unlock,
            String invite,
            RelayTrust trust,
            Clock clock,
            DeviceLink.Receiver keys,
            Mailbox.Opened mailbox,
            String deviceName) {
        this.deviceName = deviceName;
        this.home = home;
        this.relay = relay;
        this.name = name;
        this.unlock = unlock;
        this.invite = invite;
        this.trust = trust;
        this.clock = clock;
        this.keys = keys;
        this.mailbox = mailbox;
        this.uri = new LinkUri(relay, mailbox.id(), keys.publicKeys());
    }

    /**
     * Makes fresh ephemeral keys and opens a mailbox at {@code relay}; the linked device will be
     * named {@code deviceName} (null for none).
     *
     * @throws ChatException ALREADY_INITIALIZED if {@code home} holds an identity;
     *     RELAY_UNREACHABLE, RELAY_UNTRUSTED or REJECTED if no mailbox could be opened
     */
    public static LinkReceiver start(
            Path home,
            URI relay,
            String name,
            StoreKeyTable.Unlock unlock,
            String invite,
            RelayTrust trust,
            Clock clock,
            String deviceName) {
        URI base = Registrar.checkRelayUrl(relay);
        if (Database.holdsIdentity(home)) {
            throw new ChatException(
                    ChatException.Reason.ALREADY_INITIALIZED,
                    "the folder " + home + " already holds an identity");
        }
        DeviceLink.Receiver keys = DeviceLink.Receiver.generate();
        Mailbox.Opened opened;
        try (Mailbox box = new Mailbox(base, trust)) {
            opened = box.open();
        }
        return new LinkReceiver(
                home, base, name, unlock, invite, trust, clock, keys, opened, deviceName);
    }

    /** The link URI for the existing device. */
    public String uri() {
        return uri.format();
    }

    /** The fingerprint of this device's link keys, which the existing device shows too. */
    public String fingerprint() {
        return keys.publicKeys().fingerprint();
    }

    /** When the mailbox expires, Unix milliseconds. */
    public long expiresAt() {
        return mailbox.expiresAt();
    }

    /**
     * Waits for the existing device's answer, then registers this device and stores what it sent,
     * all or nothing. Blocking; may be called again after a TIMEOUT.
     *
     * @throws ChatException TIMEOUT if no answer came within {@code timeout}; LINK_EXPIRED,
     *     LINK_USED; LINK_FAILED if the answer does not open or check out; TOO_MANY_DEVICES and the
     *     other registration failures
     */
    public synchronized AccountInfo await(Duration timeout) {
        if (done) {
            throw new ChatException(
                    ChatException.Reason.LINK_USED, "this link has already completed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sealed;
        try (Mailbox box = new Mailbox(relay, trust)) {
            while (true) {
                Optional<byte[]> taken = box.take(mailbox.id());
                if (taken.isPresent()) {
                    sealed = taken.get();
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ChatException(
                            ChatException.Reason.TIMEOUT, "no device answered the link in time");
                }
                try {
                    Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ChatException(
                            ChatException.Reason.CLOSED, "waiting for the link was interrupted");
                }
            }
        }
        done = true;
        return complete(sealed);
    }

    private AccountInfo complete(byte[] sealed) {
        ProvisioningPayload payload = open(mailbox.id(), sealed);
        Identity identity;
        try {
            identity = Identity.fromSerialized(payload.identityKeyPair());
        } catch (CryptoException e) {
            throw failed("the link's answer holds no valid identity key");
        }
        if (!identity.accountId().equals(payload.accountId())) {
            throw failed("the link's answer names an account its identity key does not derive");
        }
        DeviceList previous = null;
        if (payload.deviceList() != null) {
            try {
                previous =
                        DeviceList.verify(
                                payload.deviceList(), payload.accountId(), identity.publicKey());
            } catch (CryptoException e) {
                throw failed("the link's answer holds a device list that does not verify");
            }
        }
        String displayName = name != null ? name : payload.name();
        long now = clock.millis();
        return Registrar.register(
                home,
                List.of(relay),
                displayName,
                unlock,
                invite,
                trust,
                clock,
                identity,
                payload.deviceId(),
                previous,
                db -> {
                    ContactStore contacts = new ContactStore(db);
                    for (ProvisioningPayload.Contact c : payload.contacts()) {
                        contacts.add(c.name(), new AccountId(c.accountId()));
                    }
                    VerificationStore verified = new VerificationStore(db);
                    for (ProvisioningPayload.Verified v : payload.verified()) {
                        verified.markVerified(v.accountId(), v.identityKey(), now);
                    }
                    storeGroups(db, payload);
                    DeviceNameStore names = new DeviceNameStore(db);
                    if (deviceName != null) {
                        names.put(payload.deviceId(), deviceName, now);
                    }
                    if (payload.senderDeviceId() != null
                            && payload.senderDeviceName() != null
                            && payload.senderDeviceId() != payload.deviceId()) {
                        names.put(payload.senderDeviceId(), payload.senderDeviceName(), now);
                    }
                });
    }

    /**
     * Stores the groups the account is a member of as their snapshots, as if each had just arrived
     * from its admin: this device then applies the next snapshot and accepts the members' group
     * messages once their sender keys arrive. It has no sender key of its own yet (the first group
     * message sent from here makes one) and has seen no sequence numbers. A group that does not
     * list the account is left out.
     */
    private static void storeGroups(Database db, ProvisioningPayload payload) {
        GroupStore groups = new GroupStore(db);
        db.transaction(
                tx -> {
                    for (ProvisioningPayload.Group g : payload.groups()) {
                        if (!g.members().contains(payload.accountId())) {
                            continue;
                        }
                        List<String> members = new ArrayList<>(new TreeSet<>(g.members()));
                        groups.put(
                                tx,
                                new GroupStore.Row(
                                        g.groupId(),
                                        g.name(),
                                        g.admin(),
                                        g.epoch(),
                                        members,
                                        true,
                                        null,
                                        1));
                    }
                    return null;
                });
    }

    /** Opens and parses a sealed payload; package-private for the tests. */
    ProvisioningPayload open(String mailboxId, byte[] sealed) {
        byte[] plain;
        try {
            plain = keys.open(mailboxId, sealed);
        } catch (CryptoException e) {
            throw failed(
                    "the link's answer did not decrypt: it was not sealed for this device, or it"
                            + " was changed on the way");
        }
        try {
            return new FrameCodec().decodeJson(plain, ProvisioningPayload.class);
        } catch (ProtocolException e) {
            throw failed("the link's answer is malformed");
        }
    }

    private static ChatException failed(String message) {
        return new ChatException(ChatException.Reason.LINK_FAILED, message);
    }
}
