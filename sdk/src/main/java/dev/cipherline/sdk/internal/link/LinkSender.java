package dev.cipherline.sdk.internal.link;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.DeviceLink;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.FrameCodec;
import dev.cipherline.protocol.ProvisioningPayload;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.devices.OwnDeviceList;
import dev.cipherline.sdk.internal.outbound.Relay;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.DeviceNameStore;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.VerificationStore;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The existing device's side of linking, and the account's device list: lists and removes devices
 * over the relay connection, and answers a link URI with the sealed provisioning payload.
 */
public final class LinkSender {
    /**
     * The largest payload JSON, so that the sealed payload (1149 bytes more) fits the relay's
     * 65,536-byte mailbox.
     */
    static final int MAX_PAYLOAD_BYTES = 65_536 - 1_149;

    private final LocalIdentity local;
    private final List<URI> relayUrls;
    private final RelayTrust trust;
    private final ContactStore contacts;
    private final VerificationStore verification;
    private final Clock clock;
    private final Supplier<CompletableFuture<Void>> synced;
    private final DeviceNameStore names;
    private final GroupStore groups;
    private final OwnDeviceList ownList;

    /**
     * A sender that waits (up to {@link Relay#TIMEOUT}) for {@code synced} to complete, the
     * client's first connection, before its first request, and keeps the account's signed device
     * list through {@code ownList}.
     */
    public LinkSender(
            Supplier<CompletableFuture<Void>> synced,
            OwnDeviceList ownList,
            LocalIdentity local,
            List<URI> relayUrls,
            RelayTrust trust,
            ContactStore contacts,
            VerificationStore verification,
            Clock clock,
            DeviceNameStore names,
            GroupStore groups) {
        this.names = names;
        this.groups = groups;
        this.synced = synced;
        this.ownList = ownList;
        this.local = local;
        this.relayUrls = relayUrls;
        this.trust = trust;
        this.contacts = contacts;
        this.verification = verification;
        this.clock = clock;
    }

    /** The account's devices, by device ID, as the relay lists them. */
    public List<Frame.DeviceEntry> list() {
        connected();
        return ownList.fetch().devices();
    }

    /** The names of the account's devices this device knows, by device ID. */
    public Map<Integer, String> names() {
        return names.all();
    }

    /**
     * Removes a device of the account (this one included), signing the account's device list
     * without it.
     *
     * @throws ChatException INVALID_ARGUMENT if the account has no such device
     */
    public void remove(int deviceId) {
        if (deviceId < 1 || deviceId > 127) {
            throw new ChatException(ChatException.Reason.INVALID_ARGUMENT, "a device ID is 1..127");
        }
        connected();
        ownList.remove(deviceId);
        names.forget(deviceId);
    }

    /**
     * Reads a link URI and checks that its relay is this account's.
     *
     * @throws ChatException LINK_INVALID if the URI is not a link URI or names another relay
     */
    public LinkUri read(String uri) {
        LinkUri link = LinkUri.parse(uri);
        if (!relayUrls.contains(link.relay())) {
            throw new ChatException(
                    ChatException.Reason.LINK_INVALID,
                    "the new device uses the relay at "
                            + link.relay()
                            + ", not this account's; start the link there with --relay "
                            + relayUrls.get(0));
        }
        return link;
    }

    /**
     * Seals this account's identity, profile, contacts, verification marks, groups and this
     * device's name for the new device and puts them into its mailbox.
     *
     * @return the device ID the new device will register as
     * @throws ChatException TOO_MANY_DEVICES if no device ID is free; LINK_EXPIRED, LINK_USED;
     *     RELAY_UNREACHABLE
     */
    public int send(LinkUri link) {
        connected();
        OwnDeviceList.Current current = ownList.fetch();
        int deviceId = freeDeviceId(current.devices());
        List<ProvisioningPayload.Contact> book = new ArrayList<>();
        for (Contact c : contacts.list()) {
            book.add(new ProvisioningPayload.Contact(c.name(), c.accountId().value()));
        }
        List<ProvisioningPayload.Verified> verified = new ArrayList<>();
        for (Map.Entry<String, byte[]> v : verification.allVerified().entrySet()) {
            verified.add(new ProvisioningPayload.Verified(v.getKey(), v.getValue()));
        }
        if (book.size() > ProvisioningPayload.MAX_CONTACTS) {
            book = book.subList(0, ProvisioningPayload.MAX_CONTACTS);
        }
        if (verified.size() > ProvisioningPayload.MAX_CONTACTS) {
            verified = verified.subList(0, ProvisioningPayload.MAX_CONTACTS);
        }
        List<ProvisioningPayload.Group> memberOf = new ArrayList<>();
        for (GroupStore.Row g : groups.all()) {
            if (g.active() && memberOf.size() < ProvisioningPayload.MAX_GROUPS) {
                memberOf.add(
                        new ProvisioningPayload.Group(
                                g.groupId(), g.name(), g.admin(), g.epoch(), g.members()));
            }
        }
        long now = clock.millis();
        String deviceName = names.find(local.deviceId());
        FrameCodec codec = new FrameCodec();
        byte[] json;
        while (true) {
            json =
                    codec.encodeJson(
                            new ProvisioningPayload(
                                    ProvisioningPayload.VERSION,
                                    local.accountId(),
                                    deviceId,
                                    local.identityKeyPair(),
                                    local.name(),
                                    book,
                                    verified,
                                    now,
                                    local.deviceId(),
                                    deviceName,
                                    memberOf,
                                    current.signed()));
            if (json.length <= MAX_PAYLOAD_BYTES || memberOf.isEmpty()) {
                break;
            }
            // the groups that do not fit the mailbox are learned from their next snapshot
            memberOf.remove(memberOf.size() - 1);
        }
        byte[] sealed;
        try {
            sealed = DeviceLink.seal(link.keys(), link.mailbox(), json);
        } catch (CryptoException e) {
            throw new ChatException(
                    ChatException.Reason.LINK_INVALID, "the link URI's keys are not usable", e);
        }
        // a name kept for a device that had this ID before is not the new device's
        names.forget(deviceId);
        try (Mailbox mailbox = new Mailbox(link.relay(), trust)) {
            mailbox.put(link.mailbox(), sealed);
        }
        return deviceId;
    }

    private void connected() {
        try {
            synced.get().get(Relay.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE, "not connected to the relay");
        } catch (ExecutionException e) {
            throw Relay.asChatException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ChatException.Reason.CLOSED, "the client is closing");
        }
    }

    /** The lowest device ID 1..127 the account does not use. */
    static int freeDeviceId(List<Frame.DeviceEntry> devices) {
        Set<Integer> used = new HashSet<>();
        for (Frame.DeviceEntry d : devices) {
            used.add(d.deviceId());
        }
        for (int id = 1; id <= 127; id++) {
            if (!used.contains(id)) {
                return id;
            }
        }
        throw new ChatException(
                ChatException.Reason.TOO_MANY_DEVICES,
                "the account uses every device ID; remove a device first");
    }
}
