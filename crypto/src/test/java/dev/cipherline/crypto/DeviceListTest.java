package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceListTest {
    private static final Identity ALICE = Identity.generate();

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return key;
    }

    private static DeviceList.Entry device(int id) {
        return new DeviceList.Entry(id, 1000 + id, key(id));
    }

    @Test
    void aSignedListVerifiesAndReadsBackTheSameDevicesInOrder() throws Exception {
        DeviceList list =
                DeviceList.of(ALICE.accountId(), 3, List.of(device(5), device(1), device(2)));
        byte[] signed = list.sign(ALICE);

        DeviceList read = DeviceList.verify(signed, ALICE.accountId(), ALICE.publicKey());

        assertEquals(list, read);
        assertEquals(3, read.version());
        assertEquals(List.of(1, 2, 5), read.deviceIds());
        assertEquals(1005, read.entry(5).registrationId());
        assertArrayEquals(key(5), read.entry(5).authKey());
        assertFalse(read.contains(3));
    }

    @Test
    void theEncodingIsTheDocumentedOne() {
        // PROTOCOL.md, "Signed device lists": label, u16 + account ID, u64 version, u8 count,
        // then u32 device ID, u32 registration ID and the 32-byte auth key of each device
        DeviceList list =
                DeviceList.of(
                        "2kl32csxvszn4maifxnhdj6h472st6ad",
                        2,
                        List.of(new DeviceList.Entry(1, 815, key(0xaa))));
        String expected =
                HexFormat.of()
                                .formatHex(
                                        "cipherline-device-list-v1"
                                                .getBytes(StandardCharsets.US_ASCII))
                        + "0020"
                        + HexFormat.of()
                                .formatHex(
                                        "2kl32csxvszn4maifxnhdj6h472st6ad"
                                                .getBytes(StandardCharsets.US_ASCII))
                        + "0000000000000002"
                        + "01"
                        + "00000001"
                        + "0000032f"
                        + "aa".repeat(32);
        assertEquals(expected, HexFormat.of().formatHex(list.encode()));
    }

    @Test
    void anyChangedByteFailsVerification() throws Exception {
        byte[] signed = DeviceList.first(ALICE.accountId(), device(1)).with(device(2)).sign(ALICE);
        for (int i = 0; i < signed.length; i++) {
            byte[] tampered = signed.clone();
            tampered[i] ^= 0x01;
            CryptoException e =
                    assertThrows(
                            CryptoException.class,
                            () -> DeviceList.verify(tampered, ALICE.accountId(), ALICE.publicKey()),
                            "byte " + i);
            assertTrue(
                    e.reason() == CryptoException.Reason.BAD_SIGNATURE
                            || e.reason() == CryptoException.Reason.MALFORMED
                            || e.reason() == CryptoException.Reason.IDENTITY_MISMATCH,
                    "byte " + i + ": " + e.reason());
        }
    }

    @Test
    void aListSignedByAnotherIdentityOrForAnotherAccountIsRefused() throws Exception {
        Identity mallory = Identity.generate();
        // Mallory signs a list naming Alice's account: the signature is not Alice's
        byte[] forged =
                Arrays.copyOf(
                        DeviceList.first(ALICE.accountId(), device(1)).encode(),
                        DeviceList.first(ALICE.accountId(), device(1)).encode().length + 64);
        byte[] signature = mallory.sign(DeviceList.first(ALICE.accountId(), device(1)).encode());
        System.arraycopy(signature, 0, forged, forged.length - 64, 64);
        assertEquals(
                CryptoException.Reason.BAD_SIGNATURE,
                assertThrows(
                                CryptoException.class,
                                () ->
                                        DeviceList.verify(
                                                forged, ALICE.accountId(), ALICE.publicKey()))
                        .reason());
        // presented with Mallory's key: the key does not derive Alice's account
        assertEquals(
                CryptoException.Reason.IDENTITY_MISMATCH,
                assertThrows(
                                CryptoException.class,
                                () ->
                                        DeviceList.verify(
                                                forged, ALICE.accountId(), mallory.publicKey()))
                        .reason());
        // Mallory's own list, handed out for Alice's account
        byte[] mallorys = DeviceList.first(mallory.accountId(), device(1)).sign(mallory);
        assertEquals(
                CryptoException.Reason.IDENTITY_MISMATCH,
                assertThrows(
                                CryptoException.class,
                                () ->
                                        DeviceList.verify(
                                                mallorys, ALICE.accountId(), ALICE.publicKey()))
                        .reason());
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceList.first(ALICE.accountId(), device(1)).sign(mallory));
    }

    @Test
    void versionsGrowByOneAtEveryChange() {
        DeviceList v1 = DeviceList.first(ALICE.accountId(), device(1));
        DeviceList v2 = v1.with(device(2));
        DeviceList v3 = v2.without(1);
        DeviceList reinstall = v3.with(new DeviceList.Entry(2, 77, key(9)));
        assertEquals(1, v1.version());
        assertEquals(List.of(1, 2), v2.deviceIds());
        assertEquals(3, v3.version());
        assertEquals(List.of(2), v3.deviceIds());
        assertEquals(4, reinstall.version());
        assertEquals(77, reinstall.entry(2).registrationId());
        assertThrows(IllegalArgumentException.class, () -> v1.without(1));
    }

    @Test
    void aRolledBackListStillVerifiesAndShowsItsOlderVersion() throws Exception {
        // the signature does not prevent a replay of an old list: its version does, compared
        // by the reader against the highest one it saw
        byte[] old = DeviceList.first(ALICE.accountId(), device(1)).sign(ALICE);
        byte[] newer = DeviceList.first(ALICE.accountId(), device(1)).with(device(2)).sign(ALICE);
        long seen = DeviceList.verify(newer, ALICE.accountId(), ALICE.publicKey()).version();
        DeviceList replayed = DeviceList.verify(old, ALICE.accountId(), ALICE.publicKey());
        assertTrue(replayed.version() < seen);
    }

    @Test
    void duplicatesEmptyListsAndOutOfRangeValuesAreRefused() throws Exception {
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceList.of(ALICE.accountId(), 1, List.of(device(2), device(2))));
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceList.of(ALICE.accountId(), 1, List.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceList.of(ALICE.accountId(), 0, List.of(device(1))));
        assertThrows(IllegalArgumentException.class, () -> device(0));
        assertThrows(IllegalArgumentException.class, () -> device(128));
        assertThrows(IllegalArgumentException.class, () -> new DeviceList.Entry(1, 0, key(1)));
        assertThrows(
                IllegalArgumentException.class, () -> new DeviceList.Entry(1, 1, new byte[31]));
        List<DeviceList.Entry> all = new ArrayList<>();
        for (int i = 1; i <= 127; i++) {
            all.add(device(i));
        }
        byte[] full = DeviceList.of(ALICE.accountId(), 9, all).sign(ALICE);
        assertEquals(DeviceList.MAX_SIGNED_LENGTH, full.length);
        assertEquals(
                127,
                DeviceList.verify(full, ALICE.accountId(), ALICE.publicKey()).entries().size());

        // a duplicate written by hand (signed, so only the structure refuses it)
        byte[] body = DeviceList.of(ALICE.accountId(), 1, List.of(device(3), device(4))).encode();
        byte[] duplicate = body.clone();
        int second = body.length - 40;
        duplicate[second + 3] = 3; // device 4 -> 3
        byte[] signed = Arrays.copyOf(duplicate, duplicate.length + 64);
        System.arraycopy(ALICE.sign(duplicate), 0, signed, duplicate.length, 64);
        assertEquals(
                CryptoException.Reason.MALFORMED,
                assertThrows(
                                CryptoException.class,
                                () ->
                                        DeviceList.verify(
                                                signed, ALICE.accountId(), ALICE.publicKey()))
                        .reason());
        assertEquals(
                CryptoException.Reason.MALFORMED,
                assertThrows(CryptoException.class, () -> DeviceList.parse(new byte[10])).reason());
        byte[] trailing = Arrays.copyOf(full, full.length + 1);
        assertThrows(CryptoException.class, () -> DeviceList.parse(trailing));
    }

    @Test
    void toStringShowsNoKey() {
        DeviceList list = DeviceList.first(ALICE.accountId(), device(1));
        String text = list.toString();
        assertTrue(text.contains(ALICE.accountId()));
        assertFalse(text.contains(HexFormat.of().formatHex(key(1))));
    }
}
