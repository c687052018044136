package dev.cipherline.crypto;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import org.signal.libsignal.protocol.DuplicateMessageException;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.InvalidVersionException;
import org.signal.libsignal.protocol.LegacyMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.groups.state.SenderKeyStore;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;
import org.signal.libsignal.protocol.message.SenderKeyMessage;

/**
 * Group encryption over libsignal sender keys: a sender encrypts once for every member, and each
 * member decrypts with the sender key it was given in a distribution message over a pairwise
 * session.
 *
 * <p>A sender key is named by the sending device and a distribution ID (a UUID the sender picks);
 * rotating a key means picking a new distribution ID, after which a member that was not handed the
 * new distribution message cannot decrypt. A group ciphertext is {@code [0x01 version][0x07
 * type][libsignal SenderKeyMessage]}, the same framing as {@link SessionCrypto}'s, so a receiver
 * tells the two apart by the type byte ({@link #isGroupCiphertext}).
 *
 * <p>Thread-safety: all operations of one instance are serialized on an internal lock. Failures of
 * the store propagate unchanged, as in {@link SessionCrypto}.
 */
public final class GroupCrypto {
    /** Type byte of a libsignal {@code SenderKeyMessage}. */
    public static final int TYPE_SENDER_KEY = CiphertextMessage.SENDERKEY_TYPE;

    private final SenderKeyStore store;
    private final Object lock = new Object();

    /** Creates a group layer over {@code store}. */
    public GroupCrypto(SenderKeyStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** A decrypted group message and the sender key it was encrypted with. */
    public record Decrypted(UUID distributionId, byte[] plaintext) {
        /** Copies the plaintext. */
        public Decrypted {
            Objects.requireNonNull(distributionId, "distributionId");
            plaintext = Objects.requireNonNull(plaintext, "plaintext").clone();
        }

        @Override
        public byte[] plaintext() {
            return plaintext.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Decrypted d
                    && distributionId.equals(d.distributionId)
                    && Arrays.equals(plaintext, d.plaintext);
        }

        @Override
        public int hashCode() {
            return 31 * distributionId.hashCode() + Arrays.hashCode(plaintext);
        }

        @Override
        public String toString() {
            return "Decrypted[" + distributionId + ", " + plaintext.length + " bytes]";
        }
    }

    /**
     * Whether {@code ciphertext} is framed as a group ciphertext (version 1, type {@link
     * #TYPE_SENDER_KEY}); says nothing about whether it decrypts.
     */
    public static boolean isGroupCiphertext(byte[] ciphertext) {
        return ciphertext != null
                && ciphertext.length > 2
                && (ciphertext[0] & 0xff) == SessionCrypto.CIPHERTEXT_VERSION
                && (ciphertext[1] & 0xff) == TYPE_SENDER_KEY;
    }

    /**
     * Returns the distribution message of this device's sender key {@code distributionId}, creating
     * the key if it does not exist yet. Hand it to every member over a pairwise session.
     *
     * @throws IllegalArgumentException if {@code deviceId} is outside {@code 1..127}
     */
    public byte[] distribution(String ownAccount, int ownDevice, UUID distributionId) {
        Objects.requireNonNull(distributionId, "distributionId");
        SignalProtocolAddress self = address(ownAccount, ownDevice);
        synchronized (lock) {
            return new GroupSessionBuilder(store).create(self, distributionId).serialize();
        }
    }

    /**
     * Stores the sender key in a distribution message from {@code sender}'s device.
     *
     * @return the distribution ID the message names
     * @throws CryptoException {@link CryptoException.Reason#MALFORMED} if it cannot be parsed
     */
    public UUID process(String sender, int senderDevice, byte[] distribution)
            throws CryptoException {
        Objects.requireNonNull(distribution, "distribution");
        SignalProtocolAddress from = address(sender, senderDevice);
        SenderKeyDistributionMessage message;
        try {
            message = new SenderKeyDistributionMessage(distribution);
        } catch (InvalidMessageException
                | InvalidVersionException
                | LegacyMessageException
                | InvalidKeyException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED,
                    "the sender key distribution from " + from + " is malformed",
                    e);
        }
        synchronized (lock) {
            new GroupSessionBuilder(store).process(from, message);
        }
        return message.getDistributionId();
    }

    /**
     * Encrypts {@code plaintext} once with this device's sender key {@code distributionId} and
     * advances it.
     *
     * @return the ciphertext, {@code [0x01][0x07][SenderKeyMessage]}
     * @throws CryptoException {@link CryptoException.Reason#NO_SESSION} if the key was never
     *     created with {@link #distribution}
     */
    public byte[] encrypt(String ownAccount, int ownDevice, UUID distributionId, byte[] plaintext)
            throws CryptoException {
        Objects.requireNonNull(distributionId, "distributionId");
        Objects.requireNonNull(plaintext, "plaintext");
        SignalProtocolAddress self = address(ownAccount, ownDevice);
        CiphertextMessage message;
        synchronized (lock) {
            try {
                message = new GroupCipher(store, self).encrypt(distributionId, plaintext);
            } catch (NoSessionException e) {
                throw new CryptoException(
                        CryptoException.Reason.NO_SESSION, "no sender key " + distributionId, e);
            }
        }
        byte[] body = message.serialize();
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) SessionCrypto.CIPHERTEXT_VERSION;
        out[1] = (byte) TYPE_SENDER_KEY;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    /**
     * Decrypts a group ciphertext from {@code sender}'s device with the sender key it names.
     *
     * @throws CryptoException {@link CryptoException.Reason#MALFORMED} if the framing is not a
     *     group ciphertext; {@link CryptoException.Reason#NO_SESSION} if this device holds no such
     *     sender key (it was never distributed to it, e.g. after a rotation that excluded it);
     *     {@link CryptoException.Reason#DUPLICATE_MESSAGE} if it was already decrypted; {@link
     *     CryptoException.Reason#INVALID_MESSAGE} for tampering and every other failure
     */
    public Decrypted decrypt(String sender, int senderDevice, byte[] ciphertext)
            throws CryptoException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        SignalProtocolAddress from = address(sender, senderDevice);
        if (!isGroupCiphertext(ciphertext)) {
            throw new CryptoException(CryptoException.Reason.MALFORMED, "not a group ciphertext");
        }
        byte[] body = Arrays.copyOfRange(ciphertext, 2, ciphertext.length);
        UUID distributionId;
        try {
            distributionId = new SenderKeyMessage(body).getDistributionId();
        } catch (InvalidMessageException | InvalidVersionException | LegacyMessageException e) {
            throw invalid(from, e);
        }
        synchronized (lock) {
            try {
                return new Decrypted(distributionId, new GroupCipher(store, from).decrypt(body));
            } catch (NoSessionException e) {
                throw new CryptoException(
                        CryptoException.Reason.NO_SESSION,
                        "no sender key of " + from + " for this message",
                        e);
            } catch (DuplicateMessageException e) {
                throw new CryptoException(
                        CryptoException.Reason.DUPLICATE_MESSAGE,
                        "group message from " + from + " was already decrypted",
                        e);
            } catch (InvalidMessageException | LegacyMessageException e) {
                throw invalid(from, e);
            } catch (AssertionError e) {
                // libsignal 0.86 reports a bad signature as an undeclared InvalidKeyException
                // wrapped in an AssertionError; it is still just a message that does not verify
                if (e.getCause() instanceof InvalidKeyException cause) {
                    throw invalid(from, cause);
                }
                throw e;
            }
        }
    }

    private static SignalProtocolAddress address(String accountId, int deviceId) {
        Objects.requireNonNull(accountId, "accountId");
        if (deviceId < 1 || deviceId > SessionCrypto.MAX_DEVICE_ID) {
            throw new IllegalArgumentException("device IDs are 1.." + SessionCrypto.MAX_DEVICE_ID);
        }
        return new SignalProtocolAddress(accountId, deviceId);
    }

    private static CryptoException invalid(SignalProtocolAddress from, Exception e) {
        return new CryptoException(
                CryptoException.Reason.INVALID_MESSAGE,
                "group message from " + from + " could not be decrypted",
                e);
    }
}
