package dev.cipherline.crypto;

import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A device's Ed25519 key for answering the relay's authentication challenge. Each device has its
 * own, so that a device can be revoked without touching the account identity.
 *
 * <p>Instances are immutable and safe to share between threads. {@link #toString()} prints no key
 * bytes.
 */
public final class DeviceAuthKey {
    /** Length of a private key (seed) and of a public key. */
    public static final int KEY_LENGTH = 32;

    /** Length of a signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private DeviceAuthKey(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    /** Generates a new key from the system's secure random source. */
    public static DeviceAuthKey generate() {
        return new DeviceAuthKey(new Ed25519PrivateKeyParameters(RANDOM));
    }

    /**
     * Restores a key from the 32 bytes of {@link #privateBytes()}.
     *
     * @throws IllegalArgumentException if {@code privateBytes} is not 32 bytes long
     */
    public static DeviceAuthKey fromPrivateBytes(byte[] privateBytes) {
        Objects.requireNonNull(privateBytes, "privateBytes");
        if (privateBytes.length != KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "a device auth private key is " + KEY_LENGTH + " bytes");
        }
        return new DeviceAuthKey(new Ed25519PrivateKeyParameters(privateBytes, 0));
    }

    /** Returns the 32-byte public key, as registered with the relay. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Returns a copy of the 32-byte private key, to be stored encrypted at rest. */
    public byte[] privateBytes() {
        return privateKey.getEncoded();
    }

    /** Returns the 64-byte Ed25519 signature of {@code message}. */
    public byte[] sign(byte[] message) {
        Objects.requireNonNull(message, "message");
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code
     * publicKey}; false for keys or signatures of the wrong length.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null
                || message == null
                || signature == null
                || publicKey.length != KEY_LENGTH
                || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Prints no key bytes. */
    @Override
    public String toString() {
        return "DeviceAuthKey[redacted]";
    }
}
