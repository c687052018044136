package dev.cipherline.relay.internal.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;

/**
 * Verifies XEdDSA signatures made by a libsignal identity key (Curve25519), without libsignal: the
 * Montgomery u-coordinate is mapped to the Edwards y = (u - 1) / (u + 1) mod p, the sign of x is
 * the top bit of the signature's last byte (libsignal stores it there), and the signature with that
 * bit cleared is an ordinary Ed25519 signature by that Edwards point.
 */
public final class XEdDsaVerifier {
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final int DJB_TYPE = 0x05;

    private XEdDsaVerifier() {}

    /**
     * Whether {@code signature} is the XEdDSA signature of {@code message} by the serialized
     * identity key ({@code 0x05} followed by the 32-byte little-endian u-coordinate). Returns false
     * for a key or signature of the wrong form.
     */
    public static boolean verify(byte[] identityKey, byte[] message, byte[] signature) {
        if (identityKey == null
                || identityKey.length != 33
                || (identityKey[0] & 0xff) != DJB_TYPE
                || signature == null
                || signature.length != 64) {
            return false;
        }
        BigInteger u = littleEndian(identityKey, 1, 32).clearBit(255);
        if (u.compareTo(P) >= 0) {
            return false;
        }
        BigInteger denominator = u.add(BigInteger.ONE).mod(P);
        if (denominator.signum() == 0) {
            return false; // u = p - 1 has no Edwards image
        }
        BigInteger y = u.subtract(BigInteger.ONE).mod(P).multiply(denominator.modInverse(P)).mod(P);
        boolean xOdd = (signature[63] & 0x80) != 0;
        byte[] ed25519Signature = signature.clone();
        ed25519Signature[63] &= 0x7f;
        try {
            PublicKey key =
                    KeyFactory.getInstance("Ed25519")
                            .generatePublic(
                                    new EdECPublicKeySpec(
                                            NamedParameterSpec.ED25519, new EdECPoint(xOdd, y)));
            return Ed25519Verifier.verify(key, message, ed25519Signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static BigInteger littleEndian(byte[] data, int offset, int length) {
        byte[] bigEndian = new byte[length];
        for (int i = 0; i < length; i++) {
            bigEndian[i] = data[offset + length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }
}
