package dev.cipherline.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyPair;
import org.signal.libsignal.protocol.kem.KEMKeyType;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * Generates a device's prekeys: the signed EC prekey, signed Kyber-1024 prekeys (last-resort and
 * one-time) and unsigned one-time EC prekeys. Signatures are XEdDSA by the account identity over
 * the serialized public key, as libsignal expects.
 *
 * <p>Prekey IDs live in libsignal's medium range {@code 1..}{@link #MAX_ID}; a batch that runs past
 * the end wraps around to 1 (see {@link #nextId(int, int)}).
 */
public final class PreKeyFactory {
    /** The largest prekey ID (2^24 - 1). */
    public static final int MAX_ID = 0xFFFFFF;

    private PreKeyFactory() {}

    /**
     * Returns a new signed EC prekey with the given ID.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@code 1..MAX_ID}
     */
    public static SignedPreKeyRecord signedPreKey(Identity identity, int id, long timestampMs) {
        Objects.requireNonNull(identity, "identity");
        requireId(id);
        ECKeyPair keyPair = ECKeyPair.generate();
        byte[] signature = identity.sign(keyPair.getPublicKey().serialize());
        return new SignedPreKeyRecord(id, timestampMs, keyPair, signature);
    }

    /**
     * Returns a new signed Kyber-1024 prekey with the given ID, usable as last-resort or one-time
     * prekey.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@code 1..MAX_ID}
     */
    public static KyberPreKeyRecord kyberPreKey(Identity identity, int id, long timestampMs) {
        Objects.requireNonNull(identity, "identity");
        requireId(id);
        KEMKeyPair keyPair = KEMKeyPair.generate(KEMKeyType.KYBER_1024);
        byte[] signature = identity.sign(keyPair.getPublicKey().serialize());
        return new KyberPreKeyRecord(id, timestampMs, keyPair, signature);
    }

    /**
     * Returns {@code count} new one-time EC prekeys with consecutive IDs starting at {@code
     * firstId}, wrapping after {@link #MAX_ID}.
     *
     * @throws IllegalArgumentException if {@code firstId} is outside {@code 1..MAX_ID} or {@code
     *     count} is negative or larger than {@code MAX_ID}
     */
    public static List<PreKeyRecord> ecPreKeys(int firstId, int count) {
        requireId(firstId);
        requireCount(count);
        List<PreKeyRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(new PreKeyRecord(nextId(firstId, i), ECKeyPair.generate()));
        }
        return records;
    }

    /**
     * Returns {@code count} new signed one-time Kyber-1024 prekeys with consecutive IDs starting at
     * {@code firstId}, wrapping after {@link #MAX_ID}.
     *
     * @throws IllegalArgumentException if {@code firstId} is outside {@code 1..MAX_ID} or {@code
     *     count} is negative or larger than {@code MAX_ID}
     */
    public static List<KyberPreKeyRecord> kyberPreKeys(
            Identity identity, int firstId, int count, long timestampMs) {
        Objects.requireNonNull(identity, "identity");
        requireId(firstId);
        requireCount(count);
        List<KyberPreKeyRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(kyberPreKey(identity, nextId(firstId, i), timestampMs));
        }
        return records;
    }

    /**
     * Returns the ID {@code offset} places after {@code id} in the wrapping range {@code
     * 1..MAX_ID}; use {@code nextId(lastId, 1)} to pick the first ID of the next batch.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@code 1..MAX_ID} or {@code offset}
     *     is negative
     */
    public static int nextId(int id, int offset) {
        requireId(id);
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative");
        }
        return (int) (((long) id - 1 + offset) % MAX_ID) + 1;
    }

    private static void requireId(int id) {
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("prekey IDs are 1.." + MAX_ID);
        }
    }

    private static void requireCount(int count) {
        if (count < 0 || count > MAX_ID) {
            throw new IllegalArgumentException("count must be 0.." + MAX_ID);
        }
    }
}
