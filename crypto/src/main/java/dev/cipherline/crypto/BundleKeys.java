package dev.cipherline.crypto;

import java.util.Arrays;
import java.util.Objects;

/**
 * The public parts of one device's prekey bundle, as fetched from the relay and not yet verified;
 * {@link BundleVerifier#verify(String, BundleKeys)} turns them into a libsignal bundle.
 *
 * <p>Byte arrays are copied in and out, so an instance never changes.
 *
 * @param deviceId the device the bundle belongs to
 * @param registrationId the device's libsignal registration ID
 * @param identityKey the account's 33-byte serialized identity public key
 * @param signedPreKeyId the signed EC prekey's ID
 * @param signedPreKey the 33-byte serialized signed EC prekey
 * @param signedPreKeySignature the identity's XEdDSA signature over {@code signedPreKey}
 * @param kyberPreKeyId the Kyber prekey's ID (one-time or last-resort)
 * @param kyberPreKey the serialized Kyber-1024 public key
 * @param kyberPreKeySignature the identity's XEdDSA signature over {@code kyberPreKey}
 * @param oneTimePreKeyId the one-time EC prekey's ID, or {@link #NO_ONE_TIME_PRE_KEY} if none
 * @param oneTimePreKey the 33-byte serialized one-time EC prekey, or null if none
 */
public record BundleKeys(
        int deviceId,
        int registrationId,
        byte[] identityKey,
        int signedPreKeyId,
        byte[] signedPreKey,
        byte[] signedPreKeySignature,
        int kyberPreKeyId,
        byte[] kyberPreKey,
        byte[] kyberPreKeySignature,
        int oneTimePreKeyId,
        byte[] oneTimePreKey) {

    /** The {@code oneTimePreKeyId} of a bundle without a one-time EC prekey. */
    public static final int NO_ONE_TIME_PRE_KEY = -1;

    /** Copies the arrays; nulls are allowed here and rejected by the verifier as malformed. */
    public BundleKeys {
        identityKey = copy(identityKey);
        signedPreKey = copy(signedPreKey);
        signedPreKeySignature = copy(signedPreKeySignature);
        kyberPreKey = copy(kyberPreKey);
        kyberPreKeySignature = copy(kyberPreKeySignature);
        oneTimePreKey = copy(oneTimePreKey);
    }

    @Override
    public byte[] identityKey() {
        return copy(identityKey);
    }

    @Override
    public byte[] signedPreKey() {
        return copy(signedPreKey);
    }

    @Override
    public byte[] signedPreKeySignature() {
        return copy(signedPreKeySignature);
    }

    @Override
    public byte[] kyberPreKey() {
        return copy(kyberPreKey);
    }

    @Override
    public byte[] kyberPreKeySignature() {
        return copy(kyberPreKeySignature);
    }

    @Override
    public byte[] oneTimePreKey() {
        return copy(oneTimePreKey);
    }

    /** Whether this bundle carries a one-time EC prekey. */
    public boolean hasOneTimePreKey() {
        return oneTimePreKey != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BundleKeys other
                && deviceId == other.deviceId
                && registrationId == other.registrationId
                && signedPreKeyId == other.signedPreKeyId
                && kyberPreKeyId == other.kyberPreKeyId
                && oneTimePreKeyId == other.oneTimePreKeyId
                && Arrays.equals(identityKey, other.identityKey)
                && Arrays.equals(signedPreKey, other.signedPreKey)
                && Arrays.equals(signedPreKeySignature, other.signedPreKeySignature)
                && Arrays.equals(kyberPreKey, other.kyberPreKey)
                && Arrays.equals(kyberPreKeySignature, other.kyberPreKeySignature)
                && Arrays.equals(oneTimePreKey, other.oneTimePreKey);
    }

    @Override
    public int hashCode() {
        int h =
                Objects.hash(
                        deviceId, registrationId, signedPreKeyId, kyberPreKeyId, oneTimePreKeyId);
        h = 31 * h + Arrays.hashCode(identityKey);
        h = 31 * h + Arrays.hashCode(signedPreKey);
        h = 31 * h + Arrays.hashCode(kyberPreKey);
        return 31 * h + Arrays.hashCode(oneTimePreKey);
    }

    /** Prints IDs only; public keys are long and say nothing useful in a log. */
    @Override
    public String toString() {
        return "BundleKeys[deviceId="
                + deviceId
                + ", registrationId="
                + registrationId
                + ", signedPreKeyId="
                + signedPreKeyId
                + ", kyberPreKeyId="
                + kyberPreKeyId
                + ", oneTimePreKeyId="
                + oneTimePreKeyId
                + "]";
    }

    private static byte[] copy(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }
}
