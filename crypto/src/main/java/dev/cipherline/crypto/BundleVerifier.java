package dev.cipherline.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * Checks a fetched prekey bundle before a session is started with it: the identity key must hash to
 * the account ID that was asked for (so a relay cannot substitute keys), and the signed EC prekey
 * and the Kyber prekey must carry valid signatures by that identity.
 */
public final class BundleVerifier {
    private BundleVerifier() {}

    /**
     * Verifies {@code keys} as a bundle of {@code expectedAccountId} and returns it as a libsignal
     * bundle for {@link SessionCrypto#startSession}.
     *
     * @throws CryptoException with {@link CryptoException.Reason#MALFORMED} if a key, signature or
     *     ID is missing or not well-formed; {@link CryptoException.Reason#IDENTITY_MISMATCH} if the
     *     identity key does not hash to {@code expectedAccountId}; {@link
     *     CryptoException.Reason#BAD_SIGNATURE} if a prekey signature does not verify
     */
    public static PreKeyBundle verify(String expectedAccountId, BundleKeys keys)
            throws CryptoException {
        Objects.requireNonNull(expectedAccountId, "expectedAccountId");
        Objects.requireNonNull(keys, "keys");
        if (keys.deviceId() < 1 || keys.deviceId() > SessionCrypto.MAX_DEVICE_ID) {
            throw malformed("device ID is outside 1.." + SessionCrypto.MAX_DEVICE_ID);
        }
        if (keys.registrationId() < 0) {
            throw malformed("registration ID is negative");
        }
        requirePreKeyId(keys.signedPreKeyId(), "signed prekey");
        requirePreKeyId(keys.kyberPreKeyId(), "Kyber prekey");

        IdentityKey identityKey = identityKey(keys.identityKey());
        if (!AccountIdDerivation.matches(expectedAccountId, identityKey.serialize())) {
            throw new CryptoException(
                    CryptoException.Reason.IDENTITY_MISMATCH,
                    "bundle identity key does not hash to the requested account ID");
        }
        ECPublicKey signedPreKey = ecKey(keys.signedPreKey(), "signed prekey");
        KEMPublicKey kyberPreKey = kyberKey(keys.kyberPreKey());
        ECPublicKey identityPublic = identityKey.getPublicKey();
        requireSignature(
                identityPublic,
                signedPreKey.serialize(),
                keys.signedPreKeySignature(),
                "signed prekey");
        requireSignature(
                identityPublic,
                kyberPreKey.serialize(),
                keys.kyberPreKeySignature(),
                "Kyber prekey");

        int oneTimeId = PreKeyBundle.NULL_PRE_KEY_ID;
        ECPublicKey oneTimeKey = null;
        if (keys.hasOneTimePreKey()) {
            requirePreKeyId(keys.oneTimePreKeyId(), "one-time prekey");
            oneTimeId = keys.oneTimePreKeyId();
            oneTimeKey = ecKey(keys.oneTimePreKey(), "one-time prekey");
        } else if (keys.oneTimePreKeyId() != BundleKeys.NO_ONE_TIME_PRE_KEY) {
            throw malformed("one-time prekey ID is set but the key is missing");
        }
        try {
            return new PreKeyBundle(
                    keys.registrationId(),
                    keys.deviceId(),
                    oneTimeId,
                    oneTimeKey,
                    keys.signedPreKeyId(),
                    signedPreKey,
                    keys.signedPreKeySignature(),
                    identityKey,
                    keys.kyberPreKeyId(),
                    kyberPreKey,
                    keys.kyberPreKeySignature());
        } catch (IllegalArgumentException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "libsignal rejected the bundle", e);
        }
    }

    private static IdentityKey identityKey(byte[] bytes) throws CryptoException {
        if (bytes == null || bytes.length != Identity.PUBLIC_KEY_LENGTH) {
            throw malformed("identity key is not " + Identity.PUBLIC_KEY_LENGTH + " bytes");
        }
        try {
            return new IdentityKey(bytes);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "identity key is not a Curve25519 key", e);
        }
    }

    private static ECPublicKey ecKey(byte[] bytes, String what) throws CryptoException {
        if (bytes == null || bytes.length != Identity.PUBLIC_KEY_LENGTH) {
            throw malformed(what + " is not " + Identity.PUBLIC_KEY_LENGTH + " bytes");
        }
        try {
            return new ECPublicKey(bytes);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, what + " is not a Curve25519 key", e);
        }
    }

    private static KEMPublicKey kyberKey(byte[] bytes) throws CryptoException {
        if (bytes == null) {
            throw malformed("Kyber prekey is missing");
        }
        KEMPublicKey key;
        try {
            key = new KEMPublicKey(bytes);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            throw new CryptoException(
                    CryptoException.Reason.MALFORMED, "Kyber prekey is not a Kyber-1024 key", e);
        }
        // The signature covers the exact bytes; refuse anything that does not round-trip.
        if (!Arrays.equals(key.serialize(), bytes)) {
            throw malformed("Kyber prekey is not canonically encoded");
        }
        return key;
    }

    private static void requireSignature(
            ECPublicKey signer, byte[] message, byte[] signature, String what)
            throws CryptoException {
        if (signature == null) {
            throw malformed(what + " signature is missing");
        }
        if (signature.length != Identity.SIGNATURE_LENGTH
                || !signer.verifySignature(message, signature)) {
            throw new CryptoException(
                    CryptoException.Reason.BAD_SIGNATURE,
                    what + " signature does not verify under the identity key");
        }
    }

    private static void requirePreKeyId(int id, String what) throws CryptoException {
        if (id < 0 || id > PreKeyFactory.MAX_ID) {
            throw malformed(what + " ID is outside 0.." + PreKeyFactory.MAX_ID);
        }
    }

    private static CryptoException malformed(String message) {
        return new CryptoException(CryptoException.Reason.MALFORMED, message);
    }
}
