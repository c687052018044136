package dev.cipherline.relay;

import dev.cipherline.protocol.AccountIds;
import dev.cipherline.protocol.SignedPayloads;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.util.HexFormat;
import java.util.List;

/**
 * An account whose identity key signs in the XEdDSA form libsignal makes, without libsignal (which
 * the relay's tests may not use): the identity is an Ed25519 key pair of the JDK, shown as the
 * Montgomery u-coordinate of its public point ({@code u = (1 + y) / (1 - y)}), and each signature
 * is an ordinary Ed25519 signature with the sign of x in the top bit of its last byte. {@code
 * XEdDsaVerifier} maps u back to that very point, so these signatures verify exactly as libsignal's
 * do (the vectors in {@code XEdDsaVerifierTest} show it for libsignal's own).
 */
public final class TestAccount {
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final HexFormat HEX = HexFormat.of();

    private final PrivateKey identityPrivate;
    private final byte[] identityKey;
    private final boolean xOdd;
    private final String accountId;

    private TestAccount(KeyPair pair) {
        this.identityPrivate = pair.getPrivate();
        var point = ((EdECPublicKey) pair.getPublic()).getPoint();
        BigInteger y = point.getY();
        BigInteger u =
                BigInteger.ONE
                        .add(y)
                        .multiply(BigInteger.ONE.subtract(y).mod(P).modInverse(P))
                        .mod(P);
        byte[] key = new byte[33];
        key[0] = 0x05;
        byte[] big = u.toByteArray();
        for (int i = 0; i < 32 && i < big.length; i++) {
            key[1 + i] = big[big.length - 1 - i];
        }
        this.identityKey = key;
        this.xOdd = point.isXOdd();
        this.accountId = AccountIds.derive(key);
    }

    /** A new account with a fresh identity. */
    public static TestAccount generate() {
        try {
            return new TestAccount(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String accountId() {
        return accountId;
    }

    public byte[] identityKey() {
        return identityKey.clone();
    }

    /** The identity key's XEdDSA-form signature of {@code message}. */
    public byte[] sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(identityPrivate);
            signer.update(message);
            byte[] signature = signer.sign();
            if (xOdd) {
                signature[63] |= (byte) 0x80;
            }
            return signature;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A device of this account with a fresh auth key and a registration signed by the identity key.
     */
    public Vectors.Vector device(int deviceId, int registrationId) {
        try {
            KeyPair auth = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = auth.getPublic().getEncoded(); // X.509: 12-byte header, then the key
            byte[] authKey =
                    java.util.Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            byte[] signature =
                    sign(SignedPayloads.registration(accountId, deviceId, registrationId, authKey));
            return new Vectors.Vector(
                    accountId,
                    deviceId,
                    registrationId,
                    HEX.formatHex(identityKey),
                    HEX.formatHex(authKey),
                    HEX.formatHex(auth.getPrivate().getEncoded()),
                    HEX.formatHex(signature));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signed device list {@code version} naming {@code devices} (in any order). */
    public byte[] list(long version, List<Vectors.Vector> devices) {
        return signed(body(accountId, version, devices));
    }

    /** {@code body} followed by this identity's signature of it. */
    public byte[] signed(byte[] body) {
        byte[] signature = sign(body);
        byte[] signed = java.util.Arrays.copyOf(body, body.length + 64);
        System.arraycopy(signature, 0, signed, body.length, 64);
        return signed;
    }

    /** The signed part of a device list, as docs/PROTOCOL.md defines it. */
    public static byte[] body(String accountId, long version, List<Vectors.Vector> devices) {
        List<Vectors.Vector> sorted =
                devices.stream()
                        .sorted(java.util.Comparator.comparingInt(Vectors.Vector::deviceId))
                        .toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("cipherline-device-list-v1".getBytes(StandardCharsets.US_ASCII));
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        out.write(account.length >>> 8);
        out.write(account.length & 0xff);
        out.writeBytes(account);
        ByteBuffer fixed = ByteBuffer.allocate(9 + sorted.size() * 40);
        fixed.putLong(version);
        fixed.put((byte) sorted.size());
        for (Vectors.Vector d : sorted) {
            fixed.putInt(d.deviceId());
            fixed.putInt(d.registrationId());
            fixed.put(d.authKey());
        }
        out.writeBytes(fixed.array());
        return out.toByteArray();
    }
}
