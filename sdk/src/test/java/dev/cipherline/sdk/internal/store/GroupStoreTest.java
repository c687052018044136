package dev.cipherline.sdk.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupStoreTest {
    private static final String G = "00112233445566778899aabbccddeeff";
    private static final String ANN = "a".repeat(32);
    private static final String BEN = "b".repeat(32);

    @TempDir Path dir;

    @Test
    void snapshotsKeepTheOwnKeyAndSequenceAndANewKeyHasNoHolders() {
        try (Database db = Database.openUnprotected(dir)) {
            GroupStore groups = new GroupStore(db);
            db.transaction(
                    c -> {
                        groups.put(
                                c, new GroupStore.Row(G, "t", ANN, 1, List.of(ANN), true, null, 1));
                        groups.setOwnKey(c, G, "k1");
                        groups.addHolder(c, G, BEN);
                        assertEquals(1, groups.takeSeq(c, G));
                        assertEquals(2, groups.takeSeq(c, G));
                        groups.put(
                                c,
                                new GroupStore.Row(
                                        G, "t2", ANN, 2, List.of(ANN, BEN), true, null, 1));
                        GroupStore.Row row = groups.find(c, G).orElseThrow();
                        assertEquals("k1", row.ownKey());
                        assertEquals(3, row.nextSeq());
                        assertEquals(List.of(ANN, BEN), row.members());
                        assertEquals(Set.of(BEN), groups.holders(c, G));
                        groups.setOwnKey(c, G, null);
                        assertEquals(Set.of(), groups.holders(c, G));
                        return null;
                    });
            assertEquals("t2", groups.byName("t2").get(0).name());
        }
    }

    @Test
    void sequenceNumbersReportWhatCameBeforeAndNeverGoBack() {
        try (Database db = Database.openUnprotected(dir)) {
            GroupStore groups = new GroupStore(db);
            db.transaction(
                    c -> {
                        assertEquals(0, groups.advanceSeq(c, G, ANN, 1, 1));
                        assertEquals(1, groups.advanceSeq(c, G, ANN, 1, 4));
                        assertEquals(4, groups.advanceSeq(c, G, ANN, 1, 3), "late: no rewind");
                        assertEquals(4, groups.advanceSeq(c, G, ANN, 1, 5));
                        assertEquals(0, groups.advanceSeq(c, G, ANN, 2, 1), "per device");
                        return null;
                    });
        }
    }

    @Test
    void forgettingAMembersSenderKeysAndMarkingItRemoved() {
        try (Database db = Database.openUnprotected(dir)) {
            GroupStore groups = new GroupStore(db);
            db.transaction(
                    c -> {
                        groups.mapSenderKey(c, BEN, 1, "d1", G);
                        assertEquals(G, groups.senderKeyGroup(c, BEN, 1, "d1"));
                        groups.setRemoved(c, G, BEN, true);
                        assertTrue(groups.isRemoved(c, G, BEN));
                        groups.forgetSenderKeys(c, G, BEN);
                        assertNull(groups.senderKeyGroup(c, BEN, 1, "d1"));
                        groups.setRemoved(c, G, BEN, false);
                        assertFalse(groups.isRemoved(c, G, BEN));
                        return null;
                    });
        }
    }
}
