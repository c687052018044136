package dev.cipherline.sdk.internal.keys;

import dev.cipherline.crypto.BundleKeys;
import dev.cipherline.protocol.Frame;
import java.util.ArrayList;
import java.util.List;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/** Converts between libsignal's prekey records and their public wire forms. */
public final class WireKeys {
    private WireKeys() {}

    /** The public part of a signed EC prekey. */
    public static Frame.SignedPreKey signed(SignedPreKeyRecord record) {
        try {
            return new Frame.SignedPreKey(
                    record.getId(),
                    record.getKeyPair().getPublicKey().serialize(),
                    record.getSignature());
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("a generated signed prekey is damaged", e);
        }
    }

    /** The public part of a (signed) Kyber prekey. */
    public static Frame.SignedPreKey kyber(KyberPreKeyRecord record) {
        try {
            return new Frame.SignedPreKey(
                    record.getId(),
                    record.getKeyPair().getPublicKey().serialize(),
                    record.getSignature());
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("a generated Kyber prekey is damaged", e);
        }
    }

    /** The public parts of one-time EC prekeys. */
    public static List<Frame.PreKey> ec(List<PreKeyRecord> records) {
        List<Frame.PreKey> out = new ArrayList<>(records.size());
        for (PreKeyRecord record : records) {
            try {
                out.add(
                        new Frame.PreKey(
                                record.getId(), record.getKeyPair().getPublicKey().serialize()));
            } catch (InvalidKeyException e) {
                throw new IllegalStateException("a generated prekey is damaged", e);
            }
        }
        return out;
    }

    /** The public parts of one-time Kyber prekeys. */
    public static List<Frame.SignedPreKey> kyber(List<KyberPreKeyRecord> records) {
        List<Frame.SignedPreKey> out = new ArrayList<>(records.size());
        for (KyberPreKeyRecord record : records) {
            out.add(kyber(record));
        }
        return out;
    }

    /** A bundle from the relay, in the form the crypto module verifies. */
    public static BundleKeys bundleKeys(Frame.PreKeyBundle b) {
        Frame.PreKey oneTime = b.oneTimePreKey();
        return new BundleKeys(
                b.deviceId(),
                b.registrationId(),
                b.identityKey(),
                b.signedPreKey().id(),
                b.signedPreKey().publicKey(),
                b.signedPreKey().signature(),
                b.kyberPreKey().id(),
                b.kyberPreKey().publicKey(),
                b.kyberPreKey().signature(),
                oneTime == null ? -1 : oneTime.id(),
                oneTime == null ? null : oneTime.publicKey());
    }

    /** The ID after {@code count} IDs starting at {@code first}, wrapping in 1..0xFFFFFF. */
    public static int advance(int first, int count) {
        return (int) (((long) first - 1 + count) % 0xFFFFFF) + 1;
    }
}
