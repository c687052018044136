package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SessionCrypto;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * Encrypts a sealed payload for every device this device has a session with and returns the {@code
 * send} frame: per device over the pairwise session (1:1 messages, receipts, typing), or once with
 * this device's sender key and a shared body (groups). The only place that turns sessions into
 * {@link Frame.Recipient}s; libsignal types stay below it.
 *
 * <p>Callers run it inside a store transaction: the session steps it makes are committed with that
 * transaction, before the frame leaves the device.
 */
public final class Encryptor {
    private final SignalStore store;
    private final SessionCrypto sessions;
    private final GroupCrypto groupCrypto;
    private final String ownAccount;
    private final int ownDevice;

    /** An encryptor over this device's sessions and sender keys. */
    public Encryptor(
            SignalStore store,
            SessionCrypto sessions,
            GroupCrypto groupCrypto,
            String ownAccount,
            int ownDevice) {
        this.store = store;
        this.sessions = sessions;
        this.groupCrypto = groupCrypto;
        this.ownAccount = ownAccount;
        this.ownDevice = ownDevice;
    }

    /** This device's account. */
    public String ownAccount() {
        return ownAccount;
    }

    /** This device's ID. */
    public int ownDevice() {
        return ownDevice;
    }

    /**
     * {@code send} (a 1:1 message to another account) with copies for every other device of this
     * account that this device has a session with: {@code transcript} encrypted for each, under the
     * same client message ID. Unchanged if there is no such device (an account with one device).
     *
     * @throws BrokenSession if an own device's session cannot encrypt
     */
    public Frame.Send withOwnDevices(Frame.Send send, byte[] transcript) {
        Frame.Send own =
                pairwise(
                        ownAccount,
                        send.clientMsgId(),
                        send.kind(),
                        send.expiresAt(),
                        transcript,
                        OnBroken.THROW);
        if (own == null) {
            return send;
        }
        List<Frame.Recipient> all = new ArrayList<>(send.recipients());
        all.addAll(own.recipients());
        return new Frame.Send(send.clientMsgId(), send.kind(), send.expiresAt(), null, all);
    }

    /** What to do when a device's session cannot encrypt. */
    public enum OnBroken {
        /** Throw: the caller drops the session or fails the message (the outbox). */
        THROW,
        /** Leave the device out (best-effort sends such as typing indicators). */
        SKIP
    }

    /** Whether this device has a session with any device of {@code account}. */
    public boolean hasSession(String account) {
        return !store.sessionDevices(account).isEmpty();
    }

    /**
     * Encrypts {@code sealed} for every device of {@code recipient} with a session; null if there
     * is none (or, with {@link OnBroken#SKIP}, none that could encrypt).
     *
     * @throws SendFailure with {@link OnBroken#THROW}, if the recipient's identity key changed
     * @throws BrokenSession with {@link OnBroken#THROW}, if a device's session cannot encrypt
     */
    public Frame.Send pairwise(
            String recipient,
            String clientMsgId,
            Kind kind,
            long expiresAt,
            byte[] sealed,
            OnBroken onBroken) {
        List<Frame.Recipient> recipients = new ArrayList<>();
        for (int device : store.sessionDevices(recipient)) {
            byte[] ciphertext;
            try {
                ciphertext = sessions.encrypt(recipient, device, sealed);
            } catch (CryptoException ce) {
                if (onBroken == OnBroken.SKIP) {
                    continue;
                }
                if (ce.reason() == CryptoException.Reason.UNTRUSTED_IDENTITY) {
                    throw new SendFailure(
                            "the identity key of " + recipient + " changed; refusing to send");
                }
                throw new BrokenSession(recipient, device);
            }
            recipients.add(recipient(recipient, device, ciphertext));
        }
        return recipients.isEmpty()
                ? null
                : new Frame.Send(clientMsgId, kind, expiresAt, null, recipients);
    }

    /**
     * Encrypts {@code sealed} once with this device's sender key {@code key} and addresses the
     * shared body to every device of every member with a session; null if there is none.
     *
     * @throws SendFailure if the sender key cannot encrypt
     */
    public Frame.Send group(
            List<String> members, UUID key, String clientMsgId, long expiresAt, byte[] sealed) {
        List<Frame.Recipient> recipients = new ArrayList<>();
        for (String member : members) {
            for (int device : store.sessionDevices(member)) {
                recipients.add(recipient(member, device, null));
            }
        }
        if (recipients.isEmpty()) {
            return null;
        }
        byte[] body;
        try {
            body = groupCrypto.encrypt(ownAccount, ownDevice, key, sealed);
        } catch (CryptoException ce) {
            throw new SendFailure("cannot encrypt for the group: " + ce.getMessage());
        }
        return new Frame.Send(clientMsgId, Kind.MESSAGE, expiresAt, body, recipients);
    }

    private Frame.Recipient recipient(String account, int device, byte[] ciphertext) {
        int registrationId =
                store.loadSession(new SignalProtocolAddress(account, device))
                        .getRemoteRegistrationId();
        return new Frame.Recipient(account, device, registrationId, ciphertext);
    }
}
