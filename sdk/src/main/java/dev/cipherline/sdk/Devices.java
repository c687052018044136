package dev.cipherline.sdk;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.internal.Compat;
import dev.cipherline.sdk.internal.link.LinkSender;
import dev.cipherline.sdk.internal.link.LinkUri;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The devices of the local account: list them, remove one, and link a new one. Got from {@link
 * ChatClient#devices()}. Every method asks the relay over the client's connection and blocks until
 * it answers (at most 30 seconds).
 *
 * <p>Linking, on this (existing) device: the new device shows a link URI and a fingerprint ({@link
 * ChatClient#linker()}); {@link #link(String)} reads the URI and gives an {@link OutgoingLink}
 * whose {@link OutgoingLink#fingerprint()} the user compares with the new device's, then {@link
 * OutgoingLink#confirm()} sends the account's identity, profile, contacts, verification marks,
 * groups and this device's name to the new device, end-to-end encrypted (docs/PROTOCOL.md, "Linking
 * a device").
 */
public final class Devices {
    private final LinkSender sender;
    private final int thisDevice;
    private final Consumer<String> rename;

    Devices(LinkSender sender, int thisDevice, Consumer<String> rename) {
        this.sender = sender;
        this.thisDevice = thisDevice;
        this.rename = rename;
    }

    /**
     * Renames this device: keeps {@code name} as its name and tells the account's other devices,
     * end-to-end encrypted (the relay keeps no names). Surrounding white space is stripped.
     *
     * @throws ChatException INVALID_ARGUMENT if it is not 1..64 bytes in UTF-8 without control
     *     characters; CLOSED if the client is closed
     */
    public void rename(String name) {
        Objects.requireNonNull(name, "name");
        rename.accept(name);
    }

    /**
     * The account's devices, by device ID, with the names this device knows (its own, and those the
     * other devices told it).
     *
     * @throws ChatException RELAY_UNREACHABLE, TIMEOUT or CLOSED if the relay did not answer
     */
    public List<DeviceInfo> list() {
        List<Frame.DeviceEntry> devices = sender.list();
        Map<Integer, String> names = sender.names();
        return devices.stream().map(d -> info(d, names)).collect(Compat.toList());
    }

    private DeviceInfo info(Frame.DeviceEntry d, Map<Integer, String> names) {
        return new DeviceInfo(
                d.deviceId(),
                names.get(d.deviceId()),
                Instant.ofEpochMilli(d.createdAt()),
                d.lastSeen() == 0 ? null : Instant.ofEpochMilli(d.lastSeen()),
                d.deviceId() == thisDevice);
    }

    /**
     * Removes a device of the account: the relay deletes its keys and queue and closes its
     * connection at once, and the removed device's client reports {@link
     * ChatException.Reason#DEVICE_REMOVED}. Removing this device unlinks it (its client then stops
     * the same way).
     *
     * @throws ChatException INVALID_ARGUMENT if the account has no such device; RELAY_UNREACHABLE,
     *     TIMEOUT or CLOSED if the relay did not answer
     */
    public void remove(int deviceId) {
        sender.remove(deviceId);
    }

    /**
     * Reads the link URI a new device shows. Nothing is sent until {@link OutgoingLink#confirm()}.
     *
     * @throws ChatException LINK_INVALID if it is not a link URI, or names a relay this account
     *     does not use
     */
    public OutgoingLink link(String uri) {
        Objects.requireNonNull(uri, "uri");
        return new OutgoingLink(sender, sender.read(uri));
    }

    /**
     * A link URI read, waiting for the user's confirmation. Show {@link #fingerprint()}; if it is
     * the one the new device shows, {@link #confirm()}, else {@link #decline()}.
     */
    public static final class OutgoingLink {
        private final LinkSender sender;
        private final LinkUri link;
        private boolean declined;
        private boolean sent;

        private OutgoingLink(LinkSender sender, LinkUri link) {
            this.sender = sender;
            this.link = link;
        }

        /** The fingerprint of the new device's keys, 12 digits in three groups. */
        public String fingerprint() {
            return link.keys().fingerprint();
        }

        /** The relay the new device uses. */
        public java.net.URI relay() {
            return link.relay();
        }

        /**
         * Sends the account to the new device: picks a free device ID, seals the payload to the new
         * device's keys and puts it into its mailbox. Blocking.
         *
         * @return the device ID the new device will have
         * @throws ChatException LINK_DECLINED after {@link #decline()}; LINK_USED if already sent
         *     or the mailbox was answered by someone else; LINK_EXPIRED; TOO_MANY_DEVICES;
         *     RELAY_UNREACHABLE
         */
        public synchronized int confirm() {
            if (declined) {
                throw new ChatException(
                        ChatException.Reason.LINK_DECLINED, "the link was declined");
            }
            if (sent) {
                throw new ChatException(
                        ChatException.Reason.LINK_USED, "the link was already answered");
            }
            int deviceId = sender.send(link);
            sent = true;
            return deviceId;
        }

        /** Declines the link (the fingerprints differ): nothing is ever sent for it. */
        public synchronized void decline() {
            declined = true;
        }
    }
}
