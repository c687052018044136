package dev.cipherline.bench.internal.relay;

import dev.cipherline.crypto.DeviceAuthKey;
import dev.cipherline.crypto.Identity;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Registration;
import dev.cipherline.protocol.SignedPayloads;
import java.security.SecureRandom;
import java.util.List;

/**
 * One device as the relay sees it: a real identity (so the XEdDSA registration signature and the
 * self-certifying account ID are genuine) and a real Ed25519 auth key. Its prekeys are random bytes
 * of the right lengths: the relay stores and hands out prekeys without opening them, and no
 * benchmark here starts a session through the relay.
 */
public final class BenchDevice {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Identity identity;
    private final DeviceAuthKey authKey;
    private final int deviceId;
    private final int registrationId;

    private BenchDevice(Identity identity, int deviceId) {
        this.identity = identity;
        this.authKey = DeviceAuthKey.generate();
        this.deviceId = deviceId;
        this.registrationId = 1 + RANDOM.nextInt(16380);
    }

    /** A new account's first device. */
    public static BenchDevice create() {
        return new BenchDevice(Identity.generate(), 1);
    }

    public String accountId() {
        return identity.accountId();
    }

    public int deviceId() {
        return deviceId;
    }

    public int registrationId() {
        return registrationId;
    }

    /** This device as a recipient of a {@code send}, with its own ciphertext or the shared body. */
    public Frame.Recipient recipient(byte[] ciphertext) {
        return new Frame.Recipient(accountId(), deviceId, registrationId, ciphertext);
    }

    /** The body of {@code POST /v1/devices}, signed by the identity. */
    public Registration registration() {
        byte[] auth = authKey.publicKey();
        byte[] signature =
                identity.sign(
                        SignedPayloads.registration(accountId(), deviceId, registrationId, auth));
        return new Registration(
                accountId(),
                deviceId,
                registrationId,
                identity.publicKey(),
                auth,
                signature,
                new Frame.SignedPreKey(1, random(33), random(64)),
                new Frame.SignedPreKey(2, random(1569), random(64)),
                List.of(),
                List.of());
    }

    /** The {@code auth} frame answering {@code challenge}. */
    public Frame.Auth answer(Frame.Challenge challenge, int version) {
        byte[] payload = SignedPayloads.auth(challenge.nonce(), accountId(), deviceId);
        return new Frame.Auth(version, accountId(), deviceId, authKey.sign(payload));
    }

    /** Signs {@code payload} with the device's Ed25519 auth key (blob API requests). */
    public byte[] signWithAuthKey(byte[] payload) {
        return authKey.sign(payload);
    }

    private static byte[] random(int length) {
        byte[] b = new byte[length];
        RANDOM.nextBytes(b);
        return b;
    }
}
