package dev.cipherline.relay;

import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Registration;
import dev.cipherline.relay.internal.store.DeviceAddress;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Registrations produced once with libsignal 0.86.5 (the relay cannot use libsignal): an identity
 * key pair signed {@code SignedPayloads.registration(accountId, deviceId, registrationId, authKey)}
 * with {@code IdentityKeyPair.getPrivateKey().calculateSignature}, for auth keys made by the JDK's
 * Ed25519 generator (whose private keys are kept here so tests can authenticate).
 */
public final class Vectors {
    private static final HexFormat HEX = HexFormat.of();

    /** One registration vector and the auth key that goes with it. */
    public record Vector(
            String accountId,
            int deviceId,
            int registrationId,
            String identityKeyHex,
            String authKeyHex,
            String authPrivatePkcs8Hex,
            String signatureHex) {

        /**
         * This vector as another device of the same account; its signature no longer verifies,
         * which only a store (that checks no signature) may ignore.
         */
        public Vector withDeviceId(int otherDeviceId) {
            return new Vector(
                    accountId,
                    otherDeviceId,
                    registrationId,
                    identityKeyHex,
                    authKeyHex,
                    authPrivatePkcs8Hex,
                    signatureHex);
        }

        public DeviceAddress address() {
            return new DeviceAddress(accountId, deviceId);
        }

        public byte[] identityKey() {
            return HEX.parseHex(identityKeyHex);
        }

        public byte[] authKey() {
            return HEX.parseHex(authKeyHex);
        }

        public byte[] signature() {
            return HEX.parseHex(signatureHex);
        }

        /** Signs with the device's Ed25519 auth key. */
        public byte[] signAuth(byte[] message) {
            try {
                PrivateKey key =
                        KeyFactory.getInstance("Ed25519")
                                .generatePrivate(
                                        new PKCS8EncodedKeySpec(HEX.parseHex(authPrivatePkcs8Hex)));
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(key);
                signer.update(message);
                return signer.sign();
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The registration body, with {@code oneTimeKeys} EC and Kyber one-time prekeys. */
        public Registration registration(int oneTimeKeys) {
            List<Frame.PreKey> ec = new ArrayList<>();
            List<Frame.SignedPreKey> kyber = new ArrayList<>();
            for (int i = 1; i <= oneTimeKeys; i++) {
                ec.add(new Frame.PreKey(100 + i, fake(33, i)));
                kyber.add(new Frame.SignedPreKey(200 + i, fake(1569, i), fake(64, i)));
            }
            return new Registration(
                    accountId,
                    deviceId,
                    registrationId,
                    identityKey(),
                    authKey(),
                    signature(),
                    new Frame.SignedPreKey(1, fake(33, 1), fake(64, 2)),
                    new Frame.SignedPreKey(2, fake(1569, 3), fake(64, 4)),
                    ec,
                    kyber);
        }
    }

    /** Recognizable filler bytes standing in for public keys and signatures. */
    public static byte[] fake(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        return bytes;
    }

    public static final Vector ALICE_1 =
            new Vector(
                    "msq7rlfuyev2peanrfvqt6rt7cwrcyet",
                    1,
                    1001,
                    "05d26126d867a9312ac90e5061574a08c0109bc0bd1ce3a22c4e4b1982c55c4b67",
                    "cf80c730681fa36a1ad3003ddca8bbf46dad5dea4882c5c8fe1a77b9dc35fd9c",
                    "302e020100300506032b657004220420abe896ae4080817ce68541b07b721847dc3cfaf6b759c9b78667388395ada380",
                    "979430e574d84155e7346d8cbc93c9cf9ad6f9a19972205b8d591943c06fe959bef1fc20aaca3d0647e760bc478d31e744783affac9452afaf5b2c9bc34a780b");
    public static final Vector ALICE_2 =
            new Vector(
                    "msq7rlfuyev2peanrfvqt6rt7cwrcyet",
                    2,
                    1002,
                    "05d26126d867a9312ac90e5061574a08c0109bc0bd1ce3a22c4e4b1982c55c4b67",
                    "47e16b03721f2d2ec2d7c14ccb8d4e8ac08e1253329465d6652d0227bcf8ba07",
                    "302e020100300506032b65700422042031a30fd3ea6d3ecdf6203683cb4bd1f96bac04ee24592d35874e9172094be1ec",
                    "168bbb619d4348aea6a63e54638f60575dda27f28ff88d655ac749f0af166a4320747e45d94ceed8f8f078e425cd976ff30ae429c5d8f74d297152328fe2e004");
    public static final Vector ALICE_1_REINSTALLED =
            new Vector(
                    "msq7rlfuyev2peanrfvqt6rt7cwrcyet",
                    1,
                    1003,
                    "05d26126d867a9312ac90e5061574a08c0109bc0bd1ce3a22c4e4b1982c55c4b67",
                    "c70facff55e967eebd089adf56bd5c56994b92c3e96d29c8b13afd1c0db89a27",
                    "302e020100300506032b6570042204208ffa632317237906f49ce5be1f688df0c3b1d837d4114def2ea541def2db1a1b",
                    "82236d32a70ea016f16f2dea31bca570c998f08b004dde7c3f4f7f618c3faaf3f61ebfd4de30d35f33517bc660c869ce0a146fc567f8f2fec467b699a1127000");
    public static final Vector BOB_1 =
            new Vector(
                    "tajeaixy3wyk65msb523ienrwlrjzyy2",
                    1,
                    2001,
                    "05d415026fe61b3fc2c7285748f39e15fb444faa2dd335b9e88582ba7d3a9df476",
                    "caaafc269664fbe18849110d5803de89e4c8f0e4e66945030f25f570ba85a4c9",
                    "302e020100300506032b657004220420b6596774dfd59cb39424f544a9badbd1e26b63f8fef8d4505ba1a001c0e20649",
                    "c0486c2c9db3c309dd2738e5bea5a354339d0c912f4e5f22b79f9617afbac48aefd2ad5dcd952984301e72ff5f86c26d844eae6a31f9b95fb896fdf7969b5b03");

    private Vectors() {}
}
