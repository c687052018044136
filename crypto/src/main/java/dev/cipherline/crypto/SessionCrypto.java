package dev.cipherline.crypto;

import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import org.signal.libsignal.protocol.DuplicateMessageException;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.InvalidKeyIdException;
import org.signal.libsignal.protocol.InvalidMessageException;
import org.signal.libsignal.protocol.InvalidSessionException;
import org.signal.libsignal.protocol.InvalidVersionException;
import org.signal.libsignal.protocol.LegacyMessageException;
import org.signal.libsignal.protocol.NoSessionException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.SignalProtocolStore;

/**
 * Pairwise sessions with other devices over libsignal: PQXDH to start, the Double Ratchet after.
 *
 * <p>A ciphertext is {@code [0x01 version][type][libsignal message]}, where type is {@link
 * #TYPE_PREKEY} (0x03, a {@code PreKeySignalMessage}, sent until the peer has answered) or {@link
 * #TYPE_WHISPER} (0x02, a {@code SignalMessage}). A device is addressed as libsignal's {@code
 * SignalProtocolAddress(accountId, deviceId)}.
 *
 * <p>Because account IDs are self-certifying, every identity key this class accepts must hash to
 * the peer's account ID: a bundle passed to {@link #startSession} and the identity key inside an
 * incoming PreKey message are both checked before libsignal sees them.
 *
 * <p>Thread-safety: all operations of one instance are serialized on an internal lock, because a
 * session is loaded, advanced and stored again by each call. The lock does not cover other users of
 * the store; use one {@code SessionCrypto} per store. Failures of the store itself (unchecked
 * exceptions thrown by its methods) propagate unchanged and are never reported as a {@link
 * CryptoException}, so a caller can tell "this message is bad" from "my disk failed".
 */
public final class SessionCrypto {
    /** The version byte that starts every ciphertext. */
    public static final int CIPHERTEXT_VERSION = 1;

    /** Type byte of a libsignal {@code PreKeySignalMessage}. */
    public static final int TYPE_PREKEY = CiphertextMessage.PREKEY_TYPE;

    /** Type byte of a libsignal {@code SignalMessage}. */
    public static final int TYPE_WHISPER = CiphertextMessage.WHISPER_TYPE;

    /** The largest device ID libsignal accepts in an address. */
    public static final int MAX_DEVICE_ID = 127;

    private final SignalProtocolStore store;
    private final Clock clock;
    private final Object lock = new Object();

    /** Creates a session layer over {@code store} that reads time from the system clock. */
    public SessionCrypto(SignalProtocolStore store) {
        this(store, Clock.systemUTC());
    }

    /**
     * Creates a session layer over {@code store}; {@code clock} dates session establishment, which
     * libsignal uses to expire unacknowledged PreKey sessions.
     */
    public SessionCrypto(SignalProtocolStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Starts (or replaces) the session with a device from its verified bundle (PQXDH); the next
     * {@link #encrypt} to that device produces a PreKey message.
     *
     * @throws IllegalArgumentException if {@code deviceId} is outside {@code 1..MAX_DEVICE_ID}
     * @throws CryptoException {@link CryptoException.Reason#IDENTITY_MISMATCH} if the bundle's
     *     identity key does not hash to {@code accountId}; {@link
     *     CryptoException.Reason#UNTRUSTED_IDENTITY} if the identity store refuses it; {@link
     *     CryptoException.Reason#MALFORMED} if libsignal rejects the bundle
     */
    public void startSession(String accountId, int deviceId, PreKeyBundle bundle)
            throws CryptoException {
        Objects.requireNonNull(bundle, "bundle");
        SignalProtocolAddress address = address(accountId, deviceId);
        requireIdentityMatches(accountId, bundle.getIdentityKey().serialize());
        synchronized (lock) {
            try {
                new SessionBuilder(store, address).process(bundle, clock.instant());
            } catch (UntrustedIdentityException e) {
                throw untrusted(e);
            } catch (InvalidKeyException e) {
                throw new CryptoException(
                        CryptoException.Reason.MALFORMED, "libsignal rejected the bundle", e);
            }
        }
    }

    /**
     * Whether a session with the device exists.
     *
     * @throws IllegalArgumentException if {@code deviceId} is outside {@code 1..MAX_DEVICE_ID}
     */
    public boolean hasSession(String accountId, int deviceId) {
        SignalProtocolAddress address = address(accountId, deviceId);
        synchronized (lock) {
            return store.containsSession(address);
        }
    }

    /**
     * Encrypts {@code plaintext} for the device and advances the session.
     *
     * @return the ciphertext, {@code [0x01][type][libsignal message]}
     * @throws IllegalArgumentException if {@code deviceId} is outside {@code 1..MAX_DEVICE_ID}
     * @throws CryptoException {@link CryptoException.Reason#NO_SESSION} if there is no session;
     *     {@link CryptoException.Reason#UNTRUSTED_IDENTITY} if the identity store refuses the peer
     */
    public byte[] encrypt(String accountId, int deviceId, byte[] plaintext) throws CryptoException {
        Objects.requireNonNull(plaintext, "plaintext");
        SignalProtocolAddress address = address(accountId, deviceId);
        CiphertextMessage message;
        synchronized (lock) {
            try {
                message = new SessionCipher(store, address).encrypt(plaintext, clock.instant());
            } catch (NoSessionException | InvalidSessionException e) {
                throw new CryptoException(
                        CryptoException.Reason.NO_SESSION, "no session with " + address, e);
            } catch (UntrustedIdentityException e) {
                throw untrusted(e);
            }
        }
        byte[] body = message.serialize();
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) CIPHERTEXT_VERSION;
        out[1] = (byte) message.getType();
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    /**
     * Decrypts a ciphertext from the device and advances the session; a PreKey message also
     * establishes the session and consumes the one-time prekeys it names.
     *
     * @return the plaintext
     * @throws IllegalArgumentException if {@code deviceId} is outside {@code 1..MAX_DEVICE_ID}
     * @throws CryptoException {@link CryptoException.Reason#MALFORMED} if the ciphertext's version
     *     or type byte is unknown; {@link CryptoException.Reason#DUPLICATE_MESSAGE} if it was
     *     already decrypted; {@link CryptoException.Reason#IDENTITY_MISMATCH} if a PreKey message's
     *     identity key does not hash to {@code accountId}; {@link
     *     CryptoException.Reason#UNTRUSTED_IDENTITY} if the identity store refuses the sender;
     *     {@link CryptoException.Reason#NO_SESSION} if a normal message arrives without a session;
     *     {@link CryptoException.Reason#INVALID_MESSAGE} for every other failure (tampering,
     *     unknown prekey, corrupt message)
     */
    public byte[] decrypt(String accountId, int deviceId, byte[] ciphertext)
            throws CryptoException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        SignalProtocolAddress address = address(accountId, deviceId);
        if (ciphertext.length < 3) {
            throw new CryptoException(CryptoException.Reason.MALFORMED, "ciphertext is truncated");
        }
        if ((ciphertext[0] & 0xff) != CIPHERTEXT_VERSION) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED,
                    "unknown ciphertext version " + (ciphertext[0] & 0xff));
        }
        int type = ciphertext[1] & 0xff;
        byte[] body = Arrays.copyOfRange(ciphertext, 2, ciphertext.length);
        if (type == TYPE_PREKEY) {
            return decryptPreKey(accountId, address, body);
        } else if (type == TYPE_WHISPER) {
            return decryptWhisper(address, body);
        }
        throw new CryptoException(
                CryptoException.Reason.MALFORMED, "unknown ciphertext type " + type);
    }

    private byte[] decryptPreKey(String accountId, SignalProtocolAddress address, byte[] body)
            throws CryptoException {
        PreKeySignalMessage message;
        try {
            message = new PreKeySignalMessage(body);
        } catch (InvalidMessageException
                | InvalidVersionException
                | LegacyMessageException
                | InvalidKeyException e) {
            throw invalid(address, e);
        }
        requireIdentityMatches(accountId, message.getIdentityKey().serialize());
        synchronized (lock) {
            try {
                return new SessionCipher(store, address).decrypt(message);
            } catch (DuplicateMessageException e) {
                throw duplicate(address, e);
            } catch (UntrustedIdentityException e) {
                throw untrusted(e);
            } catch (InvalidMessageException | InvalidKeyIdException | InvalidKeyException e) {
                throw invalid(address, e);
            }
        }
    }

    private byte[] decryptWhisper(SignalProtocolAddress address, byte[] body)
            throws CryptoException {
        SignalMessage message;
        try {
            message = new SignalMessage(body);
        } catch (InvalidMessageException
                | InvalidVersionException
                | LegacyMessageException
                | InvalidKeyException e) {
            throw invalid(address, e);
        }
        synchronized (lock) {
            try {
                return new SessionCipher(store, address).decrypt(message);
            } catch (DuplicateMessageException e) {
                throw duplicate(address, e);
            } catch (UntrustedIdentityException e) {
                throw untrusted(e);
            } catch (NoSessionException | InvalidSessionException e) {
                throw new CryptoException(
                        CryptoException.Reason.NO_SESSION, "no session with " + address, e);
            } catch (InvalidMessageException | InvalidVersionException e) {
                throw invalid(address, e);
            }
        }
    }

    private static SignalProtocolAddress address(String accountId, int deviceId) {
        Objects.requireNonNull(accountId, "accountId");
        if (deviceId < 1 || deviceId > MAX_DEVICE_ID) {
            throw new IllegalArgumentException("device IDs are 1.." + MAX_DEVICE_ID);
        }
        return new SignalProtocolAddress(accountId, deviceId);
    }

    private static void requireIdentityMatches(String accountId, byte[] identityKey)
            throws CryptoException {
        if (!AccountIdDerivation.matches(accountId, identityKey)) {
            throw new CryptoException(
                    CryptoException.Reason.IDENTITY_MISMATCH,
                    "identity key does not hash to account " + accountId);
        }
    }

    private static CryptoException untrusted(UntrustedIdentityException e) {
        return new CryptoException(
                CryptoException.Reason.UNTRUSTED_IDENTITY,
                "identity store refused the identity of " + e.getName(),
                e);
    }

    private static CryptoException duplicate(SignalProtocolAddress address, Exception e) {
        return new CryptoException(
                CryptoException.Reason.DUPLICATE_MESSAGE,
                "message from " + address + " was already decrypted",
                e);
    }

    private static CryptoException invalid(SignalProtocolAddress address, Exception e) {
        return new CryptoException(
                CryptoException.Reason.INVALID_MESSAGE,
                "message from " + address + " could not be decrypted",
                e);
    }
}
