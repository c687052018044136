package dev.cipherline.protocol;

import static dev.cipherline.protocol.Checks.bytes;
import static dev.cipherline.protocol.Checks.list;
import static dev.cipherline.protocol.Checks.range;
import static dev.cipherline.protocol.Checks.requireAccountId;
import static dev.cipherline.protocol.Checks.requireDeviceId;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * What an existing device sends a device being linked, as JSON (UTF-8), sealed by the device-link
 * channel before it reaches the relay's provisioning mailbox (docs/PROTOCOL.md, "Linking a
 * device"). The relay never sees it in the clear and never parses it.
 *
 * @param version 1
 * @param accountId the account the new device joins; the receiver checks it derives from the
 *     identity key
 * @param deviceId the device ID the existing device picked for the new one, 2..127, not in use
 * @param identityKeyPair the account's identity key pair, libsignal's serialization (private key:
 *     never stored or logged by the relay)
 * @param name the account's display name, or null
 * @param contacts the address book
 * @param verified the contacts' identity keys the user verified
 * @param createdAt when the payload was made, Unix milliseconds
 * @param senderDeviceId the device ID of the device that made the payload, or null (an older
 *     sender)
 * @param senderDeviceName that device's name (the user's name for it), or null
 * @param groups the groups the account is a member of, as the existing device holds them
 * @param deviceList the account's signed device list as the existing device received it from the
 *     relay (the new device signs the next version with itself added), or null if the account has
 *     none
 */
public record ProvisioningPayload(
        int version,
        String accountId,
        int deviceId,
        byte[] identityKeyPair,
        String name,
        List<Contact> contacts,
        List<Verified> verified,
        long createdAt,
        Integer senderDeviceId,
        String senderDeviceName,
        List<Group> groups,
        byte[] deviceList) {
    /** The only version. */
    public static final int VERSION = 1;

    /** The most contacts (and verified keys) a payload carries. */
    public static final int MAX_CONTACTS = 200;

    /** The most groups a payload carries. */
    public static final int MAX_GROUPS = 100;

    /** The most members of one group (as in a group update). */
    public static final int MAX_GROUP_MEMBERS = 1000;

    /** The longest group name, in UTF-8 bytes (as in a group update). */
    public static final int MAX_GROUP_NAME_BYTES = 200;

    /** The longest device name, in UTF-8 bytes. */
    public static final int MAX_DEVICE_NAME_BYTES = 64;

    public ProvisioningPayload {
        range(version, "version", VERSION, VERSION);
        requireAccountId(accountId, "accountId");
        requireDeviceId(deviceId, "deviceId");
        identityKeyPair = bytes(identityKeyPair, "identityKeyPair", 1, 256);
        if (name != null) {
            range(name.length(), "name", 1, 64);
        }
        contacts = list(contacts == null ? List.of() : contacts, "contacts");
        verified = list(verified == null ? List.of() : verified, "verified");
        range(contacts.size(), "contacts", 0, MAX_CONTACTS);
        range(verified.size(), "verified", 0, MAX_CONTACTS);
        range(createdAt, "createdAt", 0, Long.MAX_VALUE);
        if (senderDeviceId != null) {
            requireDeviceId(senderDeviceId, "senderDeviceId");
        }
        if (senderDeviceName != null) {
            checkDeviceName(senderDeviceName, "senderDeviceName");
        }
        groups = list(groups == null ? Collections.<Group>emptyList() : groups, "groups");
        range(groups.size(), "groups", 0, MAX_GROUPS);
        if (deviceList != null) {
            deviceList = Checks.deviceList(deviceList, "deviceList");
        }
    }

    /**
     * Checks a device name: 1..64 bytes in UTF-8, no control characters (U+0000..U+001F,
     * U+007F..U+009F).
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static String checkDeviceName(String name, String field) {
        Checks.present(name, field);
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_DEVICE_NAME_BYTES) {
            throw new IllegalArgumentException(
                    "field '" + field + "' must be 1.." + MAX_DEVICE_NAME_BYTES + " UTF-8 bytes");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                throw new IllegalArgumentException(
                        "field '" + field + "' must hold no control characters");
            }
        }
        return name;
    }

    /** A payload of an account without a signed device list. */
    public ProvisioningPayload(
            int version,
            String accountId,
            int deviceId,
            byte[] identityKeyPair,
            String name,
            List<Contact> contacts,
            List<Verified> verified,
            long createdAt) {
        this(
                version,
                accountId,
                deviceId,
                identityKeyPair,
                name,
                contacts,
                verified,
                createdAt,
                null,
                null,
                null,
                null);
    }

    /**
     * One contact of the address book.
     *
     * @param name its local name, 1..64 characters
     */
    public record Contact(String name, String accountId) {
        public Contact {
            Checks.present(name, "name");
            range(name.length(), "name", 1, 64);
            requireAccountId(accountId, "accountId");
        }
    }

    /**
     * A contact identity key the user verified (compared safety numbers).
     *
     * @param identityKey the 33-byte identity public key
     */
    public record Verified(String accountId, byte[] identityKey) {
        public Verified {
            requireAccountId(accountId, "accountId");
            identityKey = bytes(identityKey, "identityKey", 33, 33);
        }
    }

    /**
     * A group the account is a member of: its newest membership snapshot, as a group update carries
     * it (docs/PROTOCOL.md, "Groups").
     *
     * @param groupId 32 lowercase hex digits (the 16-byte group ID)
     * @param name 1..200 bytes in UTF-8
     * @param admin the admin's account ID, one of the members
     * @param epoch the snapshot's epoch, 1 or more
     * @param members 1..1000 account IDs, the admin and the account itself among them
     */
    public record Group(
            String groupId, String name, String admin, long epoch, List<String> members) {
        public Group {
            Checks.present(groupId, "groupId");
            if (!groupId.matches("[0-9a-f]{32}")) {
                throw new IllegalArgumentException(
                        "field 'groupId' must be 32 lowercase hex digits");
            }
            Checks.present(name, "name");
            range(name.getBytes(StandardCharsets.UTF_8).length, "name", 1, MAX_GROUP_NAME_BYTES);
            requireAccountId(admin, "admin");
            range(epoch, "epoch", 1, Long.MAX_VALUE);
            members = list(members, "members");
            range(members.size(), "members", 1, MAX_GROUP_MEMBERS);
            for (String m : members) {
                requireAccountId(m, "members");
            }
            if (!members.contains(admin)) {
                throw new IllegalArgumentException("field 'admin' must be one of the members");
            }
        }
    }
}
