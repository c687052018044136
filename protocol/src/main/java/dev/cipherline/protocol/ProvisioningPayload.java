package dev.cipherline.protocol;

import static dev.cipherline.protocol.Checks.bytes;
import static dev.cipherline.protocol.Checks.list;
import static dev.cipherline.protocol.Checks.range;
import static dev.cipherline.protocol.Checks.requireAccountId;
import static dev.cipherline.protocol.Checks.requireDeviceId;

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
        byte[] deviceList) {
    /** The only version. */
    public static final int VERSION = 1;

    /** The most contacts (and verified keys) a payload carries. */
    public static final int MAX_CONTACTS = 200;

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
        if (deviceList != null) {
            deviceList = Checks.deviceList(deviceList, "deviceList");
        }
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
}
