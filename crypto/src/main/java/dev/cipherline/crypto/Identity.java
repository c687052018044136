package dev.cipherline.crypto;

import java.util.Objects;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.InvalidKeyException;

/**
 * An account's long-term identity key pair (Curve25519, signing with XEdDSA), and the account ID
 * derived from its public key.
 *
 * <p>Instances are immutable and safe to share between threads. {@link #toString()} prints only the
 * account ID; the private key leaves this object only through {@link #serialize()} and {@link
 * #keyPair()}.
 */
public final class Identity {
    /** Length of a serialized identity public key: a type byte (0x05) and 32 key bytes. */
    public static final int PUBLIC_KEY_LENGTH = 33;

    /** Length of an XEdDSA signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private final IdentityKeyPair keyPair;
    private final String accountId;

    private Identity(IdentityKeyPair keyPair) {
        this.keyPair = keyPair;
        this.accountId = AccountIdDerivation.derive(keyPair.getPublicKey().serialize());
    }

    /** Generates a new identity from the system's secure random source. */
    public static Identity generate() {
        return new Identity(IdentityKeyPair.generate());
    }

    /**
     * Restores an identity from the bytes of {@link #serialize()}.
     *
     * @throws CryptoException with {@link CryptoException.Reason#MALFORMED} if the bytes are not a
     *     serialized identity key pair
     */
    public static Identity fromSerialized(byte[] serialized) throws CryptoException {
        Objects.requireNonNull(serialized, "serialized");
        try {
            return new Identity(new IdentityKeyPair(serialized));
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "not a serialized identity key pair", e);
        }
    }

    /** Wraps an existing libsignal identity key pair, for example one loaded from a store. */
    public static Identity of(IdentityKeyPair keyPair) {
        return new Identity(Objects.requireNonNull(keyPair, "keyPair"));
    }

    /**
     * Returns the secret serialization of this identity (libsignal's {@code IdentityKeyPair} form),
     * to be stored encrypted at rest and restored with {@link #fromSerialized(byte[])}.
     */
    public byte[] serialize() {
        return keyPair.serialize();
    }

    /** Returns the account ID derived from this identity's public key. */
    public String accountId() {
        return accountId;
    }

    /** Returns the 33-byte serialized public key. */
    public byte[] publicKey() {
        return keyPair.getPublicKey().serialize();
    }

    /** Returns the 64-byte XEdDSA signature of {@code message} under this identity. */
    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        return keyPair.getPrivateKey().calculateSignature(message);
    }

    /**
     * Whether {@code signature} is a valid XEdDSA signature of {@code message} by the serialized
     * identity public key {@code identityPublicKey}; false for malformed keys or signatures.
     */
    public static boolean verify(byte[] identityPublicKey, byte[] message, byte[] signature) {
        if (identityPublicKey == null || message == null || signature == null) {
            return false;
        }
        try {
            return new IdentityKey(identityPublicKey)
                    .getPublicKey()
                    .verifySignature(message, signature);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Returns the libsignal key pair, for the SDK's {@code IdentityKeyStore}. */
    public IdentityKeyPair keyPair() {
        return keyPair;
    }

    /** Prints only the account ID. */
    @Override
    public String toString() {
        return "Identity[" + accountId + "]";
    }
}
