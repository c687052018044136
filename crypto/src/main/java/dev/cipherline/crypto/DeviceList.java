package dev.cipherline.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An account's signed, versioned device list: which devices (device ID, registration ID, auth key)
 * the account has, signed by the account's identity key. A sender checks the list a relay hands out
 * before it encrypts to an account, so a relay can neither add a device of its own nor hide one of
 * the account's devices from a sender that has seen the list.
 *
 * <p>Signed form (see docs/PROTOCOL.md, "Signed device lists"; big-endian): {@code
 * "cipherline-device-list-v1" (ASCII) || u16 length || accountId (UTF-8) || u64 version || u8 count
 * || count x (u32 deviceId || u32 registrationId || authKey (32 bytes))}, entries in ascending
 * device ID order, followed by the identity key's 64-byte XEdDSA signature over everything before
 * it. Instances are immutable.
 */
public final class DeviceList {
    /** The label every signed list starts with. */
    public static final String LABEL = "cipherline-device-list-v1";

    /** Length of a device's auth key (Ed25519 public key). */
    public static final int AUTH_KEY_LENGTH = 32;

    /** The most devices a list holds: every device ID 1..127 once. */
    public static final int MAX_DEVICES = 127;

    private static final byte[] LABEL_BYTES = LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final int ENTRY_LENGTH = 4 + 4 + AUTH_KEY_LENGTH;

    /** The longest signed list: an account ID of 32 characters and 127 entries. */
    public static final int MAX_SIGNED_LENGTH =
            LABEL_BYTES.length
                    + 2
                    + 32
                    + 8
                    + 1
                    + MAX_DEVICES * ENTRY_LENGTH
                    + Identity.SIGNATURE_LENGTH;

    /**
     * One device of the list.
     *
     * @param deviceId 1..127
     * @param registrationId 1..16383, the device's libsignal registration ID
     * @param authKey the device's 32-byte Ed25519 auth key, as registered at the relay
     */
    public record Entry(int deviceId, int registrationId, byte[] authKey) {
        /**
         * Checks the ranges.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public Entry {
            if (deviceId < 1 || deviceId > MAX_DEVICES) {
                throw new IllegalArgumentException("device ID " + deviceId + " is not in 1..127");
            }
            if (registrationId < 1 || registrationId > 16383) {
                throw new IllegalArgumentException(
                        "registration ID " + registrationId + " is not in 1..16383");
            }
            Objects.requireNonNull(authKey, "authKey");
            if (authKey.length != AUTH_KEY_LENGTH) {
                throw new IllegalArgumentException("an auth key is 32 bytes");
            }
            authKey = authKey.clone();
        }

        /** Returns a copy of the auth key. */
        @Override
        public byte[] authKey() {
            return authKey.clone();
        }

        /** Whether {@code other} names the same device with the same registration and auth key. */
        public boolean sameAs(Entry other) {
            return other != null
                    && deviceId == other.deviceId
                    && registrationId == other.registrationId
                    && Arrays.equals(authKey, other.authKey);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && sameAs(e);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * deviceId + registrationId) + Arrays.hashCode(authKey);
        }

        @Override
        public String toString() {
            return "Entry[device " + deviceId + ", registration " + registrationId + "]";
        }
    }

    private final String accountId;
    private final long version;
    private final List<Entry> entries;

    private DeviceList(String accountId, long version, List<Entry> sorted) {
        this.accountId = accountId;
        this.version = version;
        this.entries = Collections.unmodifiableList(sorted);
    }

    /**
     * A list of {@code entries} (in any order) at {@code version}.
     *
     * @throws IllegalArgumentException if the version is not positive, there is no entry or more
     *     than 127, or a device ID repeats
     */
    public static DeviceList of(String accountId, long version, List<Entry> entries) {
        Objects.requireNonNull(accountId, "accountId");
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        if (account.length == 0 || account.length > 255) {
            throw new IllegalArgumentException("an account ID is 1..255 bytes");
        }
        if (version < 1) {
            throw new IllegalArgumentException("a device list's version starts at 1");
        }
        List<Entry> sorted = new ArrayList<>(entries);
        if (sorted.isEmpty() || sorted.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("a device list holds 1..127 devices");
        }
        sorted.sort(Comparator.comparingInt(Entry::deviceId));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).deviceId() == sorted.get(i - 1).deviceId()) {
                throw new IllegalArgumentException(
                        "device " + sorted.get(i).deviceId() + " is in the list twice");
            }
        }
        return new DeviceList(accountId, version, sorted);
    }

    /** The first list of an account: version 1 with its first device. */
    public static DeviceList first(String accountId, Entry device) {
        return of(accountId, 1, Collections.singletonList(device));
    }

    /** The account this list is of. */
    public String accountId() {
        return accountId;
    }

    /** The version: 1 for an account's first list, one more at every change. */
    public long version() {
        return version;
    }

    /** The devices, by ascending device ID. */
    public List<Entry> entries() {
        return entries;
    }

    /** The entry of {@code deviceId}, or null if the list has no such device. */
    public Entry entry(int deviceId) {
        for (Entry e : entries) {
            if (e.deviceId() == deviceId) {
                return e;
            }
        }
        return null;
    }

    /** Whether the list holds {@code deviceId}. */
    public boolean contains(int deviceId) {
        return entry(deviceId) != null;
    }

    /** The device IDs, ascending. */
    public List<Integer> deviceIds() {
        List<Integer> ids = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            ids.add(e.deviceId());
        }
        return ids;
    }

    /** The next version with {@code device} added (replacing an entry of the same device ID). */
    public DeviceList with(Entry device) {
        List<Entry> next = new ArrayList<>();
        for (Entry e : entries) {
            if (e.deviceId() != device.deviceId()) {
                next.add(e);
            }
        }
        next.add(device);
        return of(accountId, version + 1, next);
    }

    /**
     * The next version without {@code deviceId}.
     *
     * @throws IllegalArgumentException if that would leave the list empty
     */
    public DeviceList without(int deviceId) {
        List<Entry> next = new ArrayList<>();
        for (Entry e : entries) {
            if (e.deviceId() != deviceId) {
                next.add(e);
            }
        }
        return of(accountId, version + 1, next);
    }

    /** The bytes the identity key signs (the signed form without its signature). */
    public byte[] encode() {
        byte[] account = accountId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + entries.size() * ENTRY_LENGTH);
        out.write(LABEL_BYTES, 0, LABEL_BYTES.length);
        out.write((account.length >>> 8) & 0xff);
        out.write(account.length & 0xff);
        out.write(account, 0, account.length);
        ByteBuffer fixed = ByteBuffer.allocate(9 + entries.size() * ENTRY_LENGTH);
        fixed.putLong(version);
        fixed.put((byte) entries.size());
        for (Entry e : entries) {
            fixed.putInt(e.deviceId());
            fixed.putInt(e.registrationId());
            fixed.put(e.authKey);
        }
        out.write(fixed.array(), 0, fixed.capacity());
        return out.toByteArray();
    }

    /**
     * Signs this list with {@code identity}, the identity of its account.
     *
     * @return the signed form: {@link #encode()} followed by the 64-byte signature
     * @throws IllegalArgumentException if {@code identity} is not this list's account's
     */
    public byte[] sign(Identity identity) {
        if (!identity.accountId().equals(accountId)) {
            throw new IllegalArgumentException("a device list is signed by its own account");
        }
        byte[] body = encode();
        byte[] signature = identity.sign(body);
        byte[] signed = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, signed, body.length, signature.length);
        return signed;
    }

    /**
     * Reads a signed list without checking its signature: for display and for what a relay may not
     * verify. Use {@link #verify} before trusting it.
     *
     * @throws CryptoException MALFORMED if the bytes are not a signed device list
     */
    public static DeviceList parse(byte[] signed) throws CryptoException {
        Objects.requireNonNull(signed, "signed");
        try {
            ByteBuffer in = ByteBuffer.wrap(signed);
            byte[] label = new byte[LABEL_BYTES.length];
            in.get(label);
            if (!Arrays.equals(label, LABEL_BYTES)) {
                throw malformed("it does not start with " + LABEL);
            }
            byte[] account = new byte[in.getShort() & 0xffff];
            in.get(account);
            long version = in.getLong();
            int count = in.get() & 0xff;
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int deviceId = in.getInt();
                int registrationId = in.getInt();
                byte[] authKey = new byte[AUTH_KEY_LENGTH];
                in.get(authKey);
                entries.add(new Entry(deviceId, registrationId, authKey));
            }
            if (in.remaining() != Identity.SIGNATURE_LENGTH) {
                throw malformed("it does not end with one 64-byte signature");
            }
            for (int i = 1; i < entries.size(); i++) {
                if (entries.get(i).deviceId() <= entries.get(i - 1).deviceId()) {
                    throw malformed("its devices are not in ascending order, each once");
                }
            }
            return of(new String(account, StandardCharsets.UTF_8), version, entries);
        } catch (java.nio.BufferUnderflowException e) {
            throw malformed("it is truncated");
        } catch (IllegalArgumentException e) {
            throw malformed(e.getMessage());
        }
    }

    /**
     * Reads a signed list and checks that it is {@code accountId}'s, signed by the identity key
     * {@code identityKey} (33 bytes), which must derive that account ID.
     *
     * @throws CryptoException MALFORMED if the bytes are not a signed device list,
     *     IDENTITY_MISMATCH if the list or the key is of another account, BAD_SIGNATURE if the
     *     signature does not verify
     */
    public static DeviceList verify(byte[] signed, String accountId, byte[] identityKey)
            throws CryptoException {
        DeviceList list = parse(signed);
        if (!list.accountId.equals(accountId)) {
            throw new CryptoException(
                    CryptoException.Reason.IDENTITY_MISMATCH,
                    "the device list is of another account than " + accountId);
        }
        if (identityKey == null || !AccountIdDerivation.matches(accountId, identityKey)) {
            throw new CryptoException(
                    CryptoException.Reason.IDENTITY_MISMATCH,
                    "the identity key does not derive account " + accountId);
        }
        int bodyLength = signed.length - Identity.SIGNATURE_LENGTH;
        byte[] body = Arrays.copyOf(signed, bodyLength);
        byte[] signature = Arrays.copyOfRange(signed, bodyLength, signed.length);
        if (!Identity.verify(identityKey, body, signature)) {
            throw new CryptoException(
                    CryptoException.Reason.BAD_SIGNATURE,
                    "the device list of " + accountId + " is not signed by its identity key");
        }
        return list;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceList l
                && l.version == version
                && l.accountId.equals(accountId)
                && l.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountId, version, entries);
    }

    /** Prints the account, version and device IDs; no key. */
    @Override
    public String toString() {
        return "DeviceList[" + accountId + " v" + version + " devices " + deviceIds() + "]";
    }

    private static CryptoException malformed(String why) {
        return new CryptoException(
                CryptoException.Reason.MALFORMED, "not a signed device list: " + why);
    }
}
