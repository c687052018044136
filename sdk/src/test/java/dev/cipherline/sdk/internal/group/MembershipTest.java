package dev.cipherline.sdk.internal.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.internal.content.Content;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The membership convergence rule, case by case, with no store and no crypto. */
class MembershipTest {
    private static final String GROUP = "00112233445566778899aabbccddeeff";
    private static final String ADMIN = "a".repeat(32);
    private static final String BOB = "b".repeat(32);
    private static final String CAROL = "c".repeat(32);
    private static final String DAVE = "d".repeat(32);
    private static final String SELF = BOB;

    private static Content.GroupUpdate snapshot(long epoch, String admin, String... members) {
        return new Content.GroupUpdate(GROUP, epoch, admin, "team", List.of(members));
    }

    private static Optional<Membership.Kept> converge(
            Content.GroupUpdate current, String sender, Content.GroupUpdate arrived) {
        return Membership.converge(Optional.ofNullable(current), sender, arrived, SELF);
    }

    @Test
    void aNewGroupIsKeptFromItsAdminWhenItListsThisAccount() {
        Membership.Kept kept =
                converge(null, ADMIN, snapshot(1, ADMIN, CAROL, ADMIN, BOB)).orElseThrow();
        assertTrue(kept.active());
        // sorted and deduplicated
        assertEquals(List.of(ADMIN, BOB, CAROL), kept.snapshot().members());
        assertEquals(1, kept.snapshot().epoch());
    }

    @Test
    void aNewGroupFromSomeoneElseOrWithoutThisAccountIsIgnored() {
        assertTrue(converge(null, CAROL, snapshot(1, ADMIN, ADMIN, BOB, CAROL)).isEmpty());
        assertTrue(converge(null, ADMIN, snapshot(1, ADMIN, ADMIN, CAROL)).isEmpty());
    }

    @Test
    void malformedSnapshotsAreIgnored() {
        Content.GroupUpdate current = snapshot(1, ADMIN, ADMIN, BOB);
        // the admin is not a member
        assertTrue(converge(current, ADMIN, snapshot(2, ADMIN, BOB, CAROL)).isEmpty());
        // a member is not an account ID
        assertTrue(converge(current, ADMIN, snapshot(2, ADMIN, ADMIN, BOB, "nobody")).isEmpty());
        // the admin is not an account ID
        assertTrue(converge(null, "x", snapshot(1, "x", "x", BOB)).isEmpty());
    }

    @Test
    void onlyTheKeptAdminChangesAKnownGroup() {
        Content.GroupUpdate current = snapshot(3, ADMIN, ADMIN, BOB, CAROL);
        // carol claims the group with a newer epoch: ignored
        assertTrue(converge(current, CAROL, snapshot(9, CAROL, ADMIN, BOB, CAROL)).isEmpty());
        // the admin hands it to carol: kept, and from then on only carol changes it
        Content.GroupUpdate handedOver =
                converge(current, ADMIN, snapshot(4, CAROL, BOB, CAROL)).orElseThrow().snapshot();
        assertTrue(converge(handedOver, ADMIN, snapshot(5, ADMIN, ADMIN, BOB)).isEmpty());
        assertTrue(converge(handedOver, CAROL, snapshot(5, CAROL, BOB, CAROL, DAVE)).isPresent());
    }

    @Test
    void staleAndRepeatedSnapshotsAreIgnored() {
        Content.GroupUpdate current = snapshot(5, ADMIN, ADMIN, BOB);
        assertTrue(converge(current, ADMIN, snapshot(4, ADMIN, ADMIN, BOB, CAROL)).isEmpty());
        assertTrue(converge(current, ADMIN, current).isEmpty());
        assertTrue(converge(current, ADMIN, snapshot(6, ADMIN, ADMIN, BOB, CAROL)).isPresent());
    }

    @Test
    void aRemovalIsKeptAndLeavesThisAccountInactive() {
        Membership.Kept kept =
                converge(
                                snapshot(2, ADMIN, ADMIN, BOB, CAROL),
                                ADMIN,
                                snapshot(3, ADMIN, ADMIN, CAROL))
                        .orElseThrow();
        assertFalse(kept.active());
        assertEquals(List.of(ADMIN, CAROL), kept.snapshot().members());
    }

    @Test
    void atAnEqualEpochTheGreaterEncodingWinsOnEverySide() {
        // two devices of the admin published epoch 2 concurrently: one adds carol, one adds dave
        Content.GroupUpdate base = snapshot(1, ADMIN, ADMIN, BOB);
        Content.GroupUpdate addCarol = snapshot(2, ADMIN, ADMIN, BOB, CAROL);
        Content.GroupUpdate addDave = snapshot(2, ADMIN, ADMIN, BOB, DAVE);
        boolean carolGreater =
                Arrays.compare(
                                Content.encodeGroupUpdate(addCarol),
                                Content.encodeGroupUpdate(addDave))
                        > 0;
        Content.GroupUpdate winner = carolGreater ? addCarol : addDave;
        Content.GroupUpdate loser = carolGreater ? addDave : addCarol;

        assertEquals(winner, converge(loser, ADMIN, winner).orElseThrow().snapshot());
        assertTrue(converge(winner, ADMIN, loser).isEmpty());
        // whichever arrives first, both members end on the winner
        assertEquals(winner, apply(base, List.of(addCarol, addDave)));
        assertEquals(winner, apply(base, List.of(addDave, addCarol)));
    }

    @Test
    void everyOrderOfArrivalEndsInTheSameState() {
        List<Content.GroupUpdate> history =
                List.of(
                        snapshot(1, ADMIN, ADMIN, BOB),
                        snapshot(2, ADMIN, ADMIN, BOB, CAROL),
                        snapshot(3, ADMIN, ADMIN, BOB, CAROL, DAVE),
                        snapshot(4, ADMIN, ADMIN, BOB, DAVE));
        Content.GroupUpdate newest = history.get(3);
        for (List<Content.GroupUpdate> order : permutations(history)) {
            assertEquals(newest, apply(null, order), order.toString());
        }
        // one that missed everything but the newest ends in the same state
        assertEquals(newest, apply(null, List.of(newest)));
    }

    /** Applies the snapshots in order, all sent by the admin, from {@code start}. */
    private static Content.GroupUpdate apply(
            Content.GroupUpdate start, List<Content.GroupUpdate> arriving) {
        Content.GroupUpdate kept = start;
        for (Content.GroupUpdate u : arriving) {
            Optional<Membership.Kept> next = converge(kept, ADMIN, u);
            if (next.isPresent()) {
                kept = next.get().snapshot();
            }
        }
        return kept;
    }

    private static List<List<Content.GroupUpdate>> permutations(List<Content.GroupUpdate> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<Content.GroupUpdate>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<Content.GroupUpdate> rest = new ArrayList<>(items);
            Content.GroupUpdate first = rest.remove(i);
            for (List<Content.GroupUpdate> tail : permutations(rest)) {
                List<Content.GroupUpdate> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}
