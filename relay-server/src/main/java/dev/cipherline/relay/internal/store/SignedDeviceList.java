package dev.cipherline.relay.internal.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An account's signed device list as the relay reads it (docs/PROTOCOL.md, "Signed device lists"):
 * {@code "cipherline-device-list-v1" || u16 length || accountId || u64 version || u8 count || count
 * x (u32 deviceId || u32 registrationId || authKey (32))}, ascending device IDs, then the identity
 * key's 64-byte XEdDSA signature over what precedes it. The relay checks the structure here and the
 * signature with {@code XEdDsaVerifier}; it never makes a list (it holds no identity key).
 *
 * @param bytes the signed list exactly as the client sent it, kept and handed out unchanged
 */
public record SignedDeviceList(String accountId, long version, List<Entry> entries, byte[] bytes) {

    private static final byte[] LABEL =
            "cipherline-device-list-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int SIGNATURE_LENGTH = 64;

    /** One device of the list. */
    public record Entry(int deviceId, int registrationId, byte[] authKey) {
        /**
         * Whether {@code deviceId}, {@code registrationId} and {@code authKey} are this entry's.
         */
        public boolean is(int deviceId, int registrationId, byte[] authKey) {
            return this.deviceId == deviceId
                    && this.registrationId == registrationId
                    && Arrays.equals(this.authKey, authKey);
        }
    }

    public SignedDeviceList {
        entries = List.copyOf(entries);
        bytes = bytes.clone();
    }

    /**
     * Reads the structure of a signed list (not its signature).
     *
     * @throws IllegalArgumentException with a one-sentence reason if it is not a device list
     */
    public static SignedDeviceList parse(byte[] signed) {
        try {
            ByteBuffer in = ByteBuffer.wrap(signed);
            byte[] label = new byte[LABEL.length];
            in.get(label);
            if (!Arrays.equals(label, LABEL)) {
                throw new IllegalArgumentException(
                        "the device list does not start with cipherline-device-list-v1");
            }
            byte[] account = new byte[in.getShort() & 0xffff];
            in.get(account);
            long version = in.getLong();
            int count = in.get() & 0xff;
            if (version < 1) {
                throw new IllegalArgumentException("the device list's version is not positive");
            }
            if (count < 1 || count > 127) {
                throw new IllegalArgumentException("a device list holds 1..127 devices");
            }
            List<Entry> entries = new ArrayList<>(count);
            int previous = 0;
            for (int i = 0; i < count; i++) {
                int deviceId = in.getInt();
                int registrationId = in.getInt();
                byte[] authKey = new byte[32];
                in.get(authKey);
                if (deviceId <= previous || deviceId > 127) {
                    throw new IllegalArgumentException(
                            "the device list's device IDs are not ascending within 1..127, each"
                                    + " once");
                }
                if (registrationId < 1 || registrationId > 16383) {
                    throw new IllegalArgumentException(
                            "the device list holds a registration ID outside 1..16383");
                }
                previous = deviceId;
                entries.add(new Entry(deviceId, registrationId, authKey));
            }
            if (in.remaining() != SIGNATURE_LENGTH) {
                throw new IllegalArgumentException(
                        "the device list does not end with one 64-byte signature");
            }
            return new SignedDeviceList(
                    new String(account, StandardCharsets.UTF_8), version, entries, signed);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the device list is truncated");
        }
    }

    /** The signed part: every byte before the signature. */
    public byte[] body() {
        return Arrays.copyOf(bytes, bytes.length - SIGNATURE_LENGTH);
    }

    /** The identity key's 64-byte signature. */
    public byte[] signature() {
        return Arrays.copyOfRange(bytes, bytes.length - SIGNATURE_LENGTH, bytes.length);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The entry of {@code deviceId}, or null. */
    public Entry entry(int deviceId) {
        for (Entry e : entries) {
            if (e.deviceId() == deviceId) {
                return e;
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedDeviceList l && Arrays.equals(bytes, l.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SignedDeviceList[" + accountId + " v" + version + ", " + entries.size() + "]";
    }
}
