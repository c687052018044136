package dev.cipherline.protocol;

import static dev.cipherline.protocol.Checks.bytes;
import static dev.cipherline.protocol.Checks.list;
import static dev.cipherline.protocol.Checks.nonNegative;
import static dev.cipherline.protocol.Checks.preKeyUpload;
import static dev.cipherline.protocol.Checks.present;
import static dev.cipherline.protocol.Checks.range;
import static dev.cipherline.protocol.Checks.requireAccountId;
import static dev.cipherline.protocol.Checks.requireDeviceId;
import static dev.cipherline.protocol.Checks.requireRegistrationId;
import static dev.cipherline.protocol.Checks.token;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * One WebSocket message between a client and the relay. Every frame is a map with a {@code type}
 * field naming the frame; the same schema is written as CBOR in binary WebSocket frames and as JSON
 * in text frames (byte strings become base64 in JSON). See {@code docs/PROTOCOL.md}.
 *
 * <p>Nullable fields are named in each record's javadoc; every other field is required and is
 * checked when the record is built, so a decoded frame is always well formed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(Frame.Challenge.class),
    @JsonSubTypes.Type(Frame.Auth.class),
    @JsonSubTypes.Type(Frame.AuthOk.class),
    @JsonSubTypes.Type(Frame.Send.class),
    @JsonSubTypes.Type(Frame.Accepted.class),
    @JsonSubTypes.Type(Frame.MismatchedDevices.class),
    @JsonSubTypes.Type(Frame.Deliver.class),
    @JsonSubTypes.Type(Frame.Ack.class),
    @JsonSubTypes.Type(Frame.Synced.class),
    @JsonSubTypes.Type(Frame.Expired.class),
    @JsonSubTypes.Type(Frame.ExpiredSummary.class),
    @JsonSubTypes.Type(Frame.AckExpired.class),
    @JsonSubTypes.Type(Frame.GetBundles.class),
    @JsonSubTypes.Type(Frame.Bundles.class),
    @JsonSubTypes.Type(Frame.UploadPreKeys.class),
    @JsonSubTypes.Type(Frame.GetPreKeyCount.class),
    @JsonSubTypes.Type(Frame.PreKeyCount.class),
    @JsonSubTypes.Type(Frame.GetDevices.class),
    @JsonSubTypes.Type(Frame.Devices.class),
    @JsonSubTypes.Type(Frame.RemoveDevice.class),
    @JsonSubTypes.Type(Frame.PutDeviceList.class),
    @JsonSubTypes.Type(Frame.Abandon.class),
    @JsonSubTypes.Type(Frame.Ok.class),
    @JsonSubTypes.Type(Frame.ErrorFrame.class)
})
public sealed interface Frame {

    /** Relay to client, first frame on every connection: a fresh 32-byte nonce to sign. */
    @JsonTypeName("challenge")
    record Challenge(List<Integer> versions, byte[] nonce, long serverTime) implements Frame {
        public Challenge {
            versions = list(versions, "versions");
            nonce = bytes(nonce, "nonce", 32, 32);
        }
    }

    /**
     * Client to relay: the answer to the challenge, an Ed25519 signature by the device's auth key
     * over {@link SignedPayloads#auth}.
     */
    @JsonTypeName("auth")
    record Auth(int version, String accountId, int deviceId, byte[] signature) implements Frame {
        public Auth {
            requireAccountId(accountId, "accountId");
            requireDeviceId(deviceId, "deviceId");
            signature = bytes(signature, "signature", 64, 64);
        }
    }

    /** Relay to client: authentication succeeded; deliveries of the backlog follow. */
    @JsonTypeName("auth-ok")
    record AuthOk(String accountId, int deviceId, long serverTime) implements Frame {
        public AuthOk {
            requireAccountId(accountId, "accountId");
            requireDeviceId(deviceId, "deviceId");
        }
    }

    /**
     * One recipient device of a {@link Send}.
     *
     * @param registrationId the registration ID the sender's session expects; a mismatch means the
     *     device was re-registered and is reported as stale
     * @param ciphertext this device's own ciphertext, or null to receive the send's shared {@code
     *     body}
     */
    record Recipient(String accountId, int deviceId, int registrationId, byte[] ciphertext) {
        public Recipient {
            requireAccountId(accountId, "recipients.accountId");
            requireDeviceId(deviceId, "recipients.deviceId");
            requireRegistrationId(registrationId, "recipients.registrationId");
        }
    }

    /**
     * Client to relay: store (or, for {@link Kind#EPHEMERAL}, forward) an envelope to every listed
     * device. Answered by {@link Accepted}, {@link MismatchedDevices} or {@link ErrorFrame}, each
     * naming {@code clientMsgId}.
     *
     * @param clientMsgId the sender's idempotency key: a resend with the same ID from the same
     *     device is accepted once
     * @param expiresAt epoch milliseconds after which the relay discards the envelope; the relay
     *     caps it at its configured maximum
     * @param body the ciphertext shared by every recipient without its own, or null
     */
    @JsonTypeName("send")
    record Send(
            String clientMsgId, Kind kind, long expiresAt, byte[] body, List<Recipient> recipients)
            implements Frame {
        public Send {
            token(clientMsgId, "clientMsgId");
            present(kind, "kind");
            nonNegative(expiresAt, "expiresAt");
            recipients = list(recipients, "recipients");
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("field 'recipients' must not be empty");
            }
            for (Recipient r : recipients) {
                if (r.ciphertext() == null && body == null) {
                    throw new IllegalArgumentException(
                            "a recipient without 'ciphertext' needs a shared 'body'");
                }
            }
        }
    }

    /** Relay to client: the envelope is durably stored (or, ephemeral, forwarded). */
    @JsonTypeName("accepted")
    record Accepted(String clientMsgId, long serverTime) implements Frame {
        public Accepted {
            token(clientMsgId, "clientMsgId");
        }
    }

    /**
     * The devices of one recipient account that a send got wrong.
     *
     * @param missing registered devices the send did not address
     * @param extra addressed devices that are not registered
     * @param stale addressed devices whose registration ID differs (re-registered)
     */
    record DeviceMismatch(
            String accountId, List<Integer> missing, List<Integer> extra, List<Integer> stale) {
        public DeviceMismatch {
            requireAccountId(accountId, "mismatches.accountId");
            missing = list(missing, "missing");
            extra = list(extra, "extra");
            stale = list(stale, "stale");
        }
    }

    /**
     * Relay to client: nothing was stored because the recipient list does not match the registered
     * devices; fetch bundles for the missing and stale devices and send again.
     */
    @JsonTypeName("mismatched-devices")
    record MismatchedDevices(String clientMsgId, List<DeviceMismatch> mismatches) implements Frame {
        public MismatchedDevices {
            token(clientMsgId, "clientMsgId");
            mismatches = list(mismatches, "mismatches");
        }
    }

    /**
     * Relay to client: one queued envelope. {@code seq} increases per device; the client
     * acknowledges it with {@link Ack} once the message is safely stored. Ephemeral deliveries
     * carry {@code seq} 0 and are never acknowledged.
     */
    @JsonTypeName("deliver")
    record Deliver(
            long seq,
            String sender,
            int senderDevice,
            String clientMsgId,
            Kind kind,
            long serverTime,
            long expiresAt,
            byte[] ciphertext)
            implements Frame {
        public Deliver {
            nonNegative(seq, "seq");
            requireAccountId(sender, "sender");
            requireDeviceId(senderDevice, "senderDevice");
            token(clientMsgId, "clientMsgId");
            present(kind, "kind");
            present(ciphertext, "ciphertext");
        }
    }

    /** Client to relay: these deliveries are stored by the client; the relay deletes them. */
    @JsonTypeName("ack")
    record Ack(List<Long> seqs) implements Frame {
        public Ack {
            seqs = list(seqs, "seqs");
            if (seqs.isEmpty()) {
                throw new IllegalArgumentException("field 'seqs' must not be empty");
            }
            for (long seq : seqs) {
                // 0 is an ephemeral delivery, which is never acknowledged
                range(seq, "seqs", 1, Long.MAX_VALUE);
            }
        }
    }

    /**
     * Relay to client: every envelope that was queued when the connection authenticated has been
     * delivered on this connection (the frames before this one). Sent once per connection.
     */
    @JsonTypeName("synced")
    record Synced(long serverTime) implements Frame {}

    /**
     * Relay to sender: an envelope this device sent expired unread in the queue of one recipient
     * device and was deleted. Carries no content; see "Expiry notices" in PROTOCOL.md.
     *
     * @param id the notice's ID (1..2^63-1), unique per relay; acknowledged with {@link AckExpired}
     *     and count 1
     * @param clientMsgId the {@code clientMsgId} the device sent the envelope with
     * @param recipient the account of the device whose queue it expired in
     * @param recipientDevice that device (1..127)
     * @param expiresAt when it expired (its {@code expiresAt})
     */
    @JsonTypeName("expired")
    record Expired(
            long id, String clientMsgId, String recipient, int recipientDevice, long expiresAt)
            implements Frame {
        public Expired {
            range(id, "id", 1, Long.MAX_VALUE);
            token(clientMsgId, "clientMsgId");
            requireAccountId(recipient, "recipient");
            requireDeviceId(recipientDevice, "recipientDevice");
            nonNegative(expiresAt, "expiresAt");
        }
    }

    /**
     * Relay to recipient: {@code count} envelopes from one sender device expired unread in this
     * device's queue and were deleted, the first at {@code firstExpiresAt} and the last at {@code
     * lastExpiresAt}. Carries no content; see "Expiry notices" in PROTOCOL.md.
     *
     * @param id the notice's ID (1..2^63-1), unique per relay; acknowledged with {@link AckExpired}
     *     and this {@code count}
     */
    @JsonTypeName("expired-summary")
    record ExpiredSummary(
            long id,
            String sender,
            int senderDevice,
            int count,
            long firstExpiresAt,
            long lastExpiresAt)
            implements Frame {
        public ExpiredSummary {
            range(id, "id", 1, Long.MAX_VALUE);
            requireAccountId(sender, "sender");
            requireDeviceId(senderDevice, "senderDevice");
            range(count, "count", 1, Integer.MAX_VALUE);
            nonNegative(firstExpiresAt, "firstExpiresAt");
            range(lastExpiresAt, "lastExpiresAt", firstExpiresAt, Long.MAX_VALUE);
        }
    }

    /**
     * One acknowledged expiry notice: its {@code id} and the {@code count} the client took note of
     * (1 for {@link Expired}, the summary's {@code count} for {@link ExpiredSummary}).
     */
    record NoticeAck(long id, int count) {
        public NoticeAck {
            range(id, "notices.id", 1, Long.MAX_VALUE);
            range(count, "notices.count", 1, Integer.MAX_VALUE);
        }
    }

    /**
     * Client to relay: the client has durably taken note of these expiry notices; the relay
     * subtracts each {@code count} from its notice and deletes a notice that reaches 0. Not
     * answered. Notices that are not the device's own are ignored.
     */
    @JsonTypeName("ack-expired")
    record AckExpired(List<NoticeAck> notices) implements Frame {
        /** The most notices one frame acknowledges. */
        public static final int MAX_NOTICES = 1000;

        public AckExpired {
            notices = list(notices, "notices");
            if (notices.isEmpty() || notices.size() > MAX_NOTICES) {
                throw new IllegalArgumentException(
                        "field 'notices' must hold 1.." + MAX_NOTICES + " notices");
            }
        }
    }

    /** Client to relay: the prekey bundles of every device of an account. */
    @JsonTypeName("get-bundles")
    record GetBundles(String requestId, String accountId) implements Frame {
        public GetBundles {
            token(requestId, "requestId");
            requireAccountId(accountId, "accountId");
        }
    }

    /**
     * A public prekey with its ID (1..16777215): a one-time EC prekey, whose {@code publicKey} is
     * the 33-byte serialized Curve25519 key.
     */
    record PreKey(int id, byte[] publicKey) {
        public PreKey {
            range(id, "id", 1, Checks.MAX_PREKEY_ID);
            publicKey = bytes(publicKey, "publicKey", 1, 4096);
        }
    }

    /**
     * A public prekey (ID 1..16777215) signed by the identity key (XEdDSA): a signed EC prekey (33
     * bytes) or a Kyber prekey (1569 bytes).
     */
    record SignedPreKey(int id, byte[] publicKey, byte[] signature) {
        public SignedPreKey {
            range(id, "id", 1, Checks.MAX_PREKEY_ID);
            publicKey = bytes(publicKey, "publicKey", 1, 4096);
            signature = bytes(signature, "signature", 64, 64);
        }
    }

    /**
     * What a sender needs to start a session with one device.
     *
     * @param kyberPreKey a one-time Kyber prekey if one was left, else the last-resort one
     * @param oneTimePreKey a one-time EC prekey, or null when the device has run out
     */
    record PreKeyBundle(
            int deviceId,
            int registrationId,
            byte[] identityKey,
            SignedPreKey signedPreKey,
            SignedPreKey kyberPreKey,
            PreKey oneTimePreKey) {
        public PreKeyBundle {
            requireDeviceId(deviceId, "deviceId");
            requireRegistrationId(registrationId, "registrationId");
            identityKey = bytes(identityKey, "identityKey", 33, 33);
            present(signedPreKey, "signedPreKey");
            present(kyberPreKey, "kyberPreKey");
            preKeyUpload(
                    signedPreKey,
                    kyberPreKey,
                    oneTimePreKey == null ? List.of() : List.of(oneTimePreKey),
                    List.of());
        }
    }

    /** Relay to client: the answer to {@link GetBundles}; one-time prekeys are handed out once. */
    @JsonTypeName("bundles")
    record Bundles(
            String requestId, String accountId, List<PreKeyBundle> devices, byte[] deviceList)
            implements Frame {
        /**
         * @param deviceList the account's signed device list as the account last stored it
         *     (172..5212 bytes, see docs/PROTOCOL.md), or null if the account has none (registered
         *     before lists existed)
         */
        public Bundles {
            token(requestId, "requestId");
            requireAccountId(accountId, "accountId");
            devices = list(devices, "devices");
            if (deviceList != null) {
                deviceList = Checks.deviceList(deviceList, "deviceList");
            }
        }

        /** An answer for an account without a signed device list. */
        public Bundles(String requestId, String accountId, List<PreKeyBundle> devices) {
            this(requestId, accountId, devices, null);
        }
    }

    /**
     * Client to relay: add one-time prekeys and optionally replace the signed and last-resort
     * prekeys of the authenticated device. Answered by {@link Ok}.
     *
     * @param signedPreKey a new signed EC prekey, or null to keep the current one
     * @param lastResortKyberPreKey a new last-resort Kyber prekey, or null to keep it
     */
    @JsonTypeName("upload-prekeys")
    record UploadPreKeys(
            String requestId,
            SignedPreKey signedPreKey,
            SignedPreKey lastResortKyberPreKey,
            List<PreKey> ecPreKeys,
            List<SignedPreKey> kyberPreKeys)
            implements Frame {
        public UploadPreKeys {
            token(requestId, "requestId");
            ecPreKeys = list(ecPreKeys == null ? List.of() : ecPreKeys, "ecPreKeys");
            kyberPreKeys = list(kyberPreKeys == null ? List.of() : kyberPreKeys, "kyberPreKeys");
            preKeyUpload(signedPreKey, lastResortKyberPreKey, ecPreKeys, kyberPreKeys);
        }
    }

    /** Client to relay: how many one-time prekeys the authenticated device has left. */
    @JsonTypeName("get-prekey-count")
    record GetPreKeyCount(String requestId) implements Frame {
        public GetPreKeyCount {
            token(requestId, "requestId");
        }
    }

    /** Relay to client: the answer to {@link GetPreKeyCount}. */
    @JsonTypeName("prekey-count")
    record PreKeyCount(String requestId, int ecPreKeys, int kyberPreKeys) implements Frame {
        public PreKeyCount {
            token(requestId, "requestId");
            nonNegative(ecPreKeys, "ecPreKeys");
            nonNegative(kyberPreKeys, "kyberPreKeys");
        }
    }

    /** Client to relay: the devices of the authenticated device's own account. */
    @JsonTypeName("get-devices")
    record GetDevices(String requestId) implements Frame {
        public GetDevices {
            token(requestId, "requestId");
        }
    }

    /**
     * One device of an account, as {@link Devices} lists it.
     *
     * @param deviceId 1..127
     * @param createdAt when it registered (or last re-registered), Unix milliseconds
     * @param lastSeen when it last authenticated, Unix milliseconds, or 0 if not known
     */
    record DeviceEntry(int deviceId, long createdAt, long lastSeen) {
        public DeviceEntry {
            requireDeviceId(deviceId, "deviceId");
            nonNegative(createdAt, "createdAt");
            nonNegative(lastSeen, "lastSeen");
        }
    }

    /** Relay to client: the answer to {@link GetDevices}, by device ID. */
    @JsonTypeName("devices")
    record Devices(String requestId, List<DeviceEntry> devices, byte[] deviceList)
            implements Frame {
        /**
         * @param deviceList the account's signed device list as last stored, or null if it has none
         */
        public Devices {
            token(requestId, "requestId");
            devices = list(devices, "devices");
            if (deviceList != null) {
                deviceList = Checks.deviceList(deviceList, "deviceList");
            }
        }

        /** An answer for an account without a signed device list. */
        public Devices(String requestId, List<DeviceEntry> devices) {
            this(requestId, devices, null);
        }
    }

    /**
     * Client to relay: remove a device of the authenticated device's own account (itself included):
     * its keys, prekeys and queue are deleted and its connection is closed with {@link
     * CloseCodes#REMOVED}. Answered by {@link Ok}, or {@code not-found} if there is no such device.
     *
     * @param deviceList the account's signed device list without that device (its version one more
     *     than the stored list's); null only for an account that has no list yet
     */
    @JsonTypeName("remove-device")
    record RemoveDevice(String requestId, int deviceId, byte[] deviceList) implements Frame {
        public RemoveDevice {
            token(requestId, "requestId");
            requireDeviceId(deviceId, "deviceId");
            if (deviceList != null) {
                deviceList = Checks.deviceList(deviceList, "deviceList");
            }
        }

        /** A removal from an account without a signed device list. */
        public RemoveDevice(String requestId, int deviceId) {
            this(requestId, deviceId, null);
        }
    }

    /**
     * Client to relay: store a signed device list of the authenticated device's own account that
     * names exactly the devices the account has (an account registered before device lists existed
     * gets its first list this way). Answered by {@link Ok}, or {@code invalid-request} if the list
     * does not verify, is not newer than the stored one, or names other devices.
     */
    @JsonTypeName("put-device-list")
    record PutDeviceList(String requestId, byte[] deviceList) implements Frame {
        public PutDeviceList {
            token(requestId, "requestId");
            deviceList = Checks.deviceList(deviceList, "deviceList");
        }
    }

    /**
     * Client to relay: the client gives up the send {@code clientMsgId}, which the relay refused
     * for a reason a retry could change ({@code mismatched-devices}, ...), and will not send it
     * again: the holds it made on this connection end (see "Order through a refusal" in
     * PROTOCOL.md). Answered by {@link Ok}, also when it held nothing.
     */
    @JsonTypeName("abandon")
    record Abandon(String requestId, String clientMsgId) implements Frame {
        public Abandon {
            token(requestId, "requestId");
            token(clientMsgId, "clientMsgId");
        }
    }

    /** Relay to client: the request named {@code requestId} succeeded. */
    @JsonTypeName("ok")
    record Ok(String requestId) implements Frame {
        public Ok {
            token(requestId, "requestId");
        }
    }

    /**
     * Relay to client: a request failed, or a frame was refused.
     *
     * @param ref the {@code clientMsgId} or {@code requestId} of the failed request, or null when
     *     the frame could not be read far enough to know it
     * @param retryAfterMs when retrying makes sense, the milliseconds to wait; else null
     */
    @JsonTypeName("error")
    record ErrorFrame(String ref, ErrorCode code, String message, Long retryAfterMs)
            implements Frame {
        public ErrorFrame {
            present(code, "code");
            present(message, "message");
        }

        /** An error about a request, with no retry hint. */
        public static ErrorFrame of(String ref, ErrorCode code, String message) {
            return new ErrorFrame(ref, code, message, null);
        }
    }
}
