package dev.cipherline.sdk.internal.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.DeviceList;
import dev.cipherline.crypto.Identity;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.DeviceListStore;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pinning rules of signed device lists, against a real store. */
class DeviceListsTest {
    private static final Identity BOB = Identity.generate();

    @TempDir Path dir;
    private Database db;
    private DeviceLists lists;

    @BeforeEach
    void open() {
        db = Database.openUnprotected(dir);
        lists = new DeviceLists(new DeviceListStore(db));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static DeviceList.Entry device(int id) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) id);
        return new DeviceList.Entry(id, 100 + id, key);
    }

    private static final DeviceList V1 = DeviceList.first(BOB.accountId(), device(1));
    private static final DeviceList V2 = V1.with(device(2));

    private DeviceList accept(byte[] served) {
        return lists.accept(BOB.accountId(), BOB.publicKey(), served);
    }

    @Test
    void aNewerListIsPinnedAndSurvivesAReopen() {
        assertNull(accept(null), "an account without a list, none seen");
        assertEquals(V1, accept(V1.sign(BOB)));
        assertEquals(V2, accept(V2.sign(BOB)));
        db.close();
        open();
        assertEquals(2, lists.pinned(BOB.accountId()).version());
    }

    @Test
    void theVersionAMessageAnnouncedSurvivesARestartAndOnlyGrows() {
        assertEquals(0, lists.announced(BOB.accountId()));
        lists.announced(BOB.accountId(), 3);
        lists.announced(BOB.accountId(), 2);
        assertEquals(3, lists.announced(BOB.accountId()));
        db.close();
        open();
        assertEquals(3, lists.announced(BOB.accountId()), "read from the store after a restart");
        lists.announced(BOB.accountId(), 1);
        db.close();
        open();
        assertEquals(3, lists.announced(BOB.accountId()), "a lower version never replaces it");
    }

    @Test
    void anOlderADifferentOrAMissingListIsRefusedOnceANewerWasSeen() {
        accept(V2.sign(BOB));
        DeviceListException rollback =
                assertThrows(DeviceListException.class, () -> accept(V1.sign(BOB)));
        assertTrue(rollback.getMessage().contains("older than version 2"), rollback.getMessage());
        DeviceList otherV2 = V1.with(device(3));
        assertThrows(DeviceListException.class, () -> accept(otherV2.sign(BOB)));
        DeviceListException stripped = assertThrows(DeviceListException.class, () -> accept(null));
        assertTrue(stripped.getMessage().contains(BOB.accountId()), stripped.getMessage());
        Identity mallory = Identity.generate();
        byte[] forged = V2.with(device(9)).encode();
        byte[] signed = Arrays.copyOf(forged, forged.length + 64);
        System.arraycopy(mallory.sign(forged), 0, signed, forged.length, 64);
        assertThrows(DeviceListException.class, () -> accept(signed));
        assertEquals(V2, lists.pinned(BOB.accountId()), "the pin is unchanged");
        assertEquals(V2, accept(V2.sign(BOB)), "the same list again is fine");
    }

    @Test
    void announcedVersionsOnlyGrow() {
        assertEquals(0, lists.announced(BOB.accountId()));
        lists.announced(BOB.accountId(), 3);
        lists.announced(BOB.accountId(), 2);
        lists.announced(BOB.accountId(), 0);
        assertEquals(3, lists.announced(BOB.accountId()));
    }
}
