package dev.cipherline.relay.internal.store;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.ALICE_1_REINSTALLED;
import static dev.cipherline.relay.Vectors.ALICE_2;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.TestAccount;
import dev.cipherline.relay.Vectors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every storage engine shows from the outside, run unchanged against each of them. An
 * engine's test extends this class, opens its store in {@link #openStore} and counts what it keeps
 * in {@link #count}. Futures may complete on any thread: tests only {@code join()} them.
 */
public abstract class RelayStoreContractTest {
    /** The tests' clock starts here. */
    public static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    /** What {@link #count} counts in the engine's storage. */
    protected enum Stored {
        /** Queue entries, expired or not. */
        ENTRIES,
        /** Shared bodies, with or without an entry left. */
        BODIES,
        /** Idempotency records of accepted sends. */
        SEND_IDS
    }

    protected final MutableClock clock = new MutableClock(START);
    protected RelayStore store;
    private int quota;

    /** The cap of "sent" expiry notices per device that {@link #openStore} gives the store. */
    protected int sentNoticeCap = NoticeStore.MAX_SENT_NOTICES;

    /**
     * Opens the engine's store on the same storage every time it is called in one test, with a
     * 30-day send ID retention.
     */
    protected abstract RelayStore openStore(MutableClock clock, int quota) throws Exception;

    /** How many of {@code what} the engine holds now, as its storage shows them. */
    protected abstract long count(Stored what) throws Exception;

    /** Closes the store and opens it again on the same storage with the same settings. */
    protected void reopen() throws Exception {
        store.close();
        store = openStore(clock, quota);
    }

    /** Closes the store and opens it again on the same storage with another quota. */
    protected void reopen(int newQuota) throws Exception {
        quota = newQuota;
        reopen();
    }

    @BeforeEach
    void openAndRegister() throws Exception {
        quota = 5;
        store = openStore(clock, quota);
        store.register(ALICE_1.registration(3)).join();
        store.register(BOB_1.registration(3)).join();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** A send from Alice's device 1 with its own ciphertext {@code text->deviceId} per device. */
    protected SendRequest send(String clientMsgId, String text, Vectors.Vector... recipients) {
        List<Frame.Recipient> list = new ArrayList<>();
        for (Vectors.Vector r : recipients) {
            list.add(
                    new Frame.Recipient(
                            r.accountId(),
                            r.deviceId(),
                            r.registrationId(),
                            (text + "->" + r.deviceId()).getBytes(StandardCharsets.UTF_8)));
        }
        return sendFrom(ALICE_1, clientMsgId, null, list);
    }

    /** A send from {@code sender} that expires in a minute. */
    protected SendRequest sendFrom(
            Vectors.Vector sender,
            String clientMsgId,
            byte[] body,
            List<Frame.Recipient> recipients) {
        long now = clock.millis();
        return new SendRequest(sender.address(), clientMsgId, now, now + 60_000, body, recipients);
    }

    /** A send from Bob to Alice's devices 1 and 2, each with its own ciphertext. */
    private SendRequest toBothOfAlicesDevices(String clientMsgId) {
        return sendFrom(
                BOB_1,
                clientMsgId,
                null,
                List.of(
                        new Frame.Recipient(ALICE_1.accountId(), 1, 1001, new byte[] {1}),
                        new Frame.Recipient(ALICE_2.accountId(), 2, 1002, new byte[] {2})));
    }

    private List<Frame.Recipient> toAlice1Only() {
        return List.of(new Frame.Recipient(ALICE_1.accountId(), 1, 1001, new byte[] {1}));
    }

    protected static String text(QueueEntry entry) {
        return new String(entry.ciphertext(), StandardCharsets.UTF_8);
    }

    protected static List<Long> seqs(List<QueueEntry> entries) {
        return entries.stream().map(QueueEntry::seq).toList();
    }

    @Test
    void aProvisioningMailboxHandsItsPayloadOutOnce() {
        long now = clock.millis();
        store.openMailbox("mailbox-aaaaaaaaaaaaaa", now, now + 600_000).join();
        assertEquals(
                ProvisioningStore.MailboxState.PENDING,
                store.takeMailbox("mailbox-aaaaaaaaaaaaaa", now).join().state());
        byte[] payload = "sealed link payload".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                ProvisioningStore.MailboxState.DONE,
                store.putMailbox("mailbox-aaaaaaaaaaaaaa", payload, now).join());
        assertEquals(
                ProvisioningStore.MailboxState.USED,
                store.putMailbox("mailbox-aaaaaaaaaaaaaa", new byte[] {1}, now).join(),
                "a second put is refused");
        ProvisioningStore.Taken taken = store.takeMailbox("mailbox-aaaaaaaaaaaaaa", now).join();
        assertEquals(ProvisioningStore.MailboxState.DONE, taken.state());
        assertArrayEquals(payload, taken.payload(), "the first payload, not the second");
        ProvisioningStore.Taken again = store.takeMailbox("mailbox-aaaaaaaaaaaaaa", now).join();
        assertEquals(ProvisioningStore.MailboxState.USED, again.state());
        assertNull(again.payload());
        assertEquals(
                ProvisioningStore.MailboxState.USED,
                store.putMailbox("mailbox-aaaaaaaaaaaaaa", payload, now).join(),
                "a read mailbox takes nothing more");
    }

    @Test
    void anExpiredOrUnknownMailboxTakesAndGivesNothing() {
        long now = clock.millis();
        store.openMailbox("mailbox-bbbbbbbbbbbbbb", now, now + 600_000).join();
        store.putMailbox("mailbox-bbbbbbbbbbbbbb", new byte[] {1, 2, 3}, now).join();
        long later = now + 600_000;
        assertEquals(
                ProvisioningStore.MailboxState.EXPIRED,
                store.takeMailbox("mailbox-bbbbbbbbbbbbbb", later).join().state());
        assertEquals(
                ProvisioningStore.MailboxState.EXPIRED,
                store.takeMailbox("mailbox-bbbbbbbbbbbbbb", now).join().state(),
                "an expired mailbox is deleted, not revived");
        store.openMailbox("mailbox-cccccccccccccc", now, now + 600_000).join();
        assertEquals(
                ProvisioningStore.MailboxState.EXPIRED,
                store.putMailbox("mailbox-cccccccccccccc", new byte[] {1}, later).join());
        assertEquals(
                ProvisioningStore.MailboxState.EXPIRED,
                store.takeMailbox("never-opened-mailbox-x", now).join().state());
        assertEquals(
                ProvisioningStore.MailboxState.EXPIRED,
                store.putMailbox("never-opened-mailbox-x", new byte[] {1}, now).join());
    }

    @Test
    void openingAMailboxSweepsExpiredOnesAndAnIdIsNeverReused() throws Exception {
        long now = clock.millis();
        store.openMailbox("mailbox-dddddddddddddd", now, now + 1_000).join();
        store.putMailbox("mailbox-dddddddddddddd", new byte[] {9}, now).join();
        assertThrows(
                CompletionException.class,
                () -> store.openMailbox("mailbox-dddddddddddddd", now, now + 1_000).join());
        store.openMailbox("mailbox-eeeeeeeeeeeeee", now + 1_000, now + 601_000).join();
        // the expired one is gone: opening its ID again works
        store.openMailbox("mailbox-dddddddddddddd", now + 1_000, now + 601_000).join();
        assertEquals(
                ProvisioningStore.MailboxState.PENDING,
                store.takeMailbox("mailbox-dddddddddddddd", now + 1_000).join().state());
        reopen();
        assertEquals(
                ProvisioningStore.MailboxState.DONE,
                store.putMailbox("mailbox-eeeeeeeeeeeeee", new byte[] {7}, now + 2_000).join(),
                "mailboxes survive a restart");
    }

    @Test
    void theSweepDeletesExpiredMailboxesWithTheirPayload() throws Exception {
        long now = clock.millis();
        store.openMailbox("mailbox-ffffffffffffff", now, now + 1_000).join();
        store.putMailbox("mailbox-ffffffffffffff", new byte[] {5}, now).join();
        store.openMailbox("mailbox-gggggggggggggg", now, now + 600_000).join();
        clock.advance(Duration.ofSeconds(1));
        store.sweep().join();
        // opening the swept ID again succeeds: the row is gone, not just unreadable
        store.openMailbox("mailbox-ffffffffffffff", now, now + 600_000).join();
        assertEquals(
                ProvisioningStore.MailboxState.PENDING,
                store.takeMailbox("mailbox-ffffffffffffff", now + 1_000).join().state());
        assertEquals(
                ProvisioningStore.MailboxState.PENDING,
                store.takeMailbox("mailbox-gggggggggggggg", now + 1_000).join().state(),
                "an unexpired mailbox stays");
    }

    @Test
    void aDevicesListAndRemovalServeTheAccountsOwnDevices() {
        store.register(ALICE_2.registration(3)).join();
        List<DeviceInfo> devices = store.devices(ALICE_1.accountId()).join();
        assertEquals(
                List.of(1, 2), devices.stream().map(DeviceInfo::deviceId).toList(), "by device ID");
        assertEquals(List.of(2), store.revokeDevices(ALICE_1.accountId(), 2).join());
        assertEquals(List.of(), store.revokeDevices(ALICE_1.accountId(), 2).join());
        assertEquals(
                List.of(1),
                store.devices(ALICE_1.accountId()).join().stream()
                        .map(DeviceInfo::deviceId)
                        .toList());
    }

    @Test
    void entriesComeBackInSendOrderWithIncreasingSeqs() {
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class,
                    store.store(send("m" + i, "hello" + i, BOB_1)).join());
        }
        List<QueueEntry> all = store.read(BOB_1.address(), 0, 10).join();
        assertEquals(
                List.of("hello0->1", "hello1->1", "hello2->1", "hello3->1"),
                all.stream().map(RelayStoreContractTest::text).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs(all));
        QueueEntry first = all.get(0);
        assertEquals(ALICE_1.accountId(), first.sender());
        assertEquals(1, first.senderDevice());
        assertEquals("m0", first.clientMsgId());
        assertEquals(START.toEpochMilli(), first.serverTime());
        assertEquals(START.toEpochMilli() + 60_000, first.expiresAt());

        assertEquals(List.of(3L, 4L), seqs(store.read(BOB_1.address(), 2, 10).join()));
        assertEquals(2, store.read(BOB_1.address(), 0, 2).join().size());
        assertEquals(4L, store.lastSeq(BOB_1.address()).join());
    }

    @Test
    void aStoredOutcomeListsTheNewEntriesOfEveryDevice() {
        store.register(ALICE_2.registration(0)).join();
        store.store(send("first", "x", BOB_1)).join();
        SendOutcome.Stored stored =
                assertInstanceOf(
                        SendOutcome.Stored.class,
                        store.store(send("second", "y", BOB_1, ALICE_2)).join());
        assertEquals(
                List.of(2L), seqs(stored.entries().get(BOB_1.address())), "Bob's second entry");
        assertEquals(List.of(1L), seqs(stored.entries().get(ALICE_2.address())));
        assertEquals("y->2", text(stored.entries().get(ALICE_2.address()).get(0)));
    }

    @Test
    void aResendOfTheSameClientMsgIdStoresNothing() throws Exception {
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("same", "a", BOB_1)).join());
        assertInstanceOf(SendOutcome.Duplicate.class, store.store(send("same", "a", BOB_1)).join());
        assertEquals(1, store.read(BOB_1.address(), 0, 10).join().size());
        assertEquals(1, count(Stored.ENTRIES));
    }

    @Test
    void ackDeletesOnlyTheDevicesOwnEntriesAndTheirBodies() throws Exception {
        store.store(send("m1", "x", BOB_1)).join();
        store.register(ALICE_2.registration(0)).join();
        SendRequest toAlice2 = toBothOfAlicesDevices("b1");
        store.store(toAlice2).join();

        // Alice's device 2 acks seq 1, which is also the seq of Bob's entry: Bob's stays
        assertEquals(1, store.ack(ALICE_2.address(), List.of(1L, 99L)).join());
        assertEquals(1, store.read(BOB_1.address(), 0, 10).join().size());
        assertEquals(0, store.read(ALICE_2.address(), 0, 10).join().size());
        assertEquals(1, store.read(ALICE_1.address(), 0, 10).join().size());
        assertEquals(2, count(Stored.ENTRIES));
        assertEquals(0, count(Stored.BODIES), "one device's ciphertext lives in its entry");

        assertEquals(1, store.ack(BOB_1.address(), List.of(1L)).join());
        assertEquals(1, count(Stored.ENTRIES));
    }

    @Test
    void anAckOfAnUnknownDeviceFailsAndDeletesNothing() throws Exception {
        store.store(send("m1", "x", BOB_1)).join();
        CompletionException failed =
                assertThrows(
                        CompletionException.class,
                        () ->
                                store.ack(new DeviceAddress(BOB_1.accountId(), 9), List.of(1L))
                                        .join());
        assertInstanceOf(UnknownDeviceException.class, failed.getCause());
        assertEquals(1, count(Stored.ENTRIES));
    }

    @Test
    void anAckOfRunsAndGapsDeletesExactlyTheAckedSeqs() throws Exception {
        reopen(10); // a quota above the six sends
        for (int i = 1; i <= 6; i++) {
            store.store(send("r" + i, "x", BOB_1)).join();
        }
        assertEquals(4, store.ack(BOB_1.address(), List.of(5L, 2L, 1L, 3L, 3L, 9L)).join());
        assertEquals(List.of(4L, 6L), seqs(store.read(BOB_1.address(), 0, 10).join()));
        assertEquals(0, store.ack(BOB_1.address(), List.of(7L, 8L)).join());
        assertEquals(2, store.ack(BOB_1.address(), List.of(4L, 6L)).join());
        assertEquals(0, count(Stored.ENTRIES));
    }

    @Test
    void aSeqIsNeverReusedAfterTheQueueWasEmptiedByAcks() throws Exception {
        store.store(send("s1", "x", BOB_1)).join();
        store.store(send("s2", "x", BOB_1)).join();
        assertEquals(2, store.ack(BOB_1.address(), List.of(1L, 2L)).join());
        assertEquals(2L, store.lastSeq(BOB_1.address()).join(), "the last seq handed out");
        reopen();
        SendOutcome.Stored stored =
                assertInstanceOf(
                        SendOutcome.Stored.class, store.store(send("s3", "x", BOB_1)).join());
        // an ack of seq 1 or 2 still in flight from before must not delete the new entry
        assertEquals(List.of(3L), seqs(stored.entries().get(BOB_1.address())));
        assertEquals(0, store.ack(BOB_1.address(), List.of(1L, 2L)).join());
        assertEquals(List.of(3L), seqs(store.read(BOB_1.address(), 0, 10).join()));
    }

    @Test
    void aSharedBodyIsStoredOnceForAllItsRecipients() throws Exception {
        store.register(ALICE_2.registration(0)).join();
        byte[] body = Vectors.fake(4096, 7);
        List<Frame.Recipient> recipients =
                List.of(
                        new Frame.Recipient(ALICE_1.accountId(), 1, 1001, null),
                        new Frame.Recipient(ALICE_2.accountId(), 2, 1002, null));
        SendRequest shared = sendFrom(BOB_1, "g1", body, recipients);
        SendOutcome.Stored stored =
                assertInstanceOf(SendOutcome.Stored.class, store.store(shared).join());
        assertEquals(2, stored.entries().size());
        assertEquals(1, count(Stored.BODIES));
        assertEquals(2, count(Stored.ENTRIES));
        assertArrayEquals(body, store.read(ALICE_2.address(), 0, 1).join().get(0).ciphertext());
        assertArrayEquals(body, store.read(ALICE_1.address(), 0, 1).join().get(0).ciphertext());

        store.ack(ALICE_1.address(), List.of(1L)).join();
        assertEquals(1, count(Stored.BODIES), "the body stays while a recipient still needs it");
        store.ack(ALICE_2.address(), List.of(1L)).join();
        assertEquals(0, count(Stored.BODIES));
    }

    /** Registers {@code n} fake accounts with one device each and returns them as recipients. */
    protected List<Frame.Recipient> registerFakeAccounts(int n) {
        // the store does not check registrations' signatures (the HTTP API does): fake accounts
        List<Frame.Recipient> recipients = new ArrayList<>();
        List<CompletableFuture<Void>> registered = new ArrayList<>();
        Vectors.Vector v = ALICE_1;
        for (int i = 0; i < n; i++) {
            String account = fakeAccountId(i);
            registered.add(
                    store.register(
                            new Vectors.Vector(
                                            account,
                                            1,
                                            v.registrationId(),
                                            v.identityKeyHex(),
                                            v.authKeyHex(),
                                            v.authPrivatePkcs8Hex(),
                                            v.signatureHex())
                                    .registration(0)));
            recipients.add(new Frame.Recipient(account, 1, v.registrationId(), null));
        }
        registered.forEach(CompletableFuture::join);
        return recipients;
    }

    /** Sends {@code body} from Bob to every recipient, as one shared body. */
    protected SendOutcome groupSend(String clientMsgId, byte[] body, List<Frame.Recipient> to) {
        return store.store(sendFrom(BOB_1, clientMsgId, body, to)).join();
    }

    @Test
    void aGroupMessageToAThousandDevicesStoresOneBodyAndOneEntryPerDevice() throws Exception {
        List<Frame.Recipient> recipients = registerFakeAccounts(1_000);
        byte[] body = Vectors.fake(4096, 9);
        SendOutcome.Stored stored =
                assertInstanceOf(
                        SendOutcome.Stored.class, groupSend("group-1000", body, recipients));
        assertEquals(1_000, stored.entries().size());
        assertEquals(1, count(Stored.BODIES), "one body for every recipient");
        assertEquals(1_000, count(Stored.ENTRIES));
        assertArrayEquals(
                body,
                store.read(new DeviceAddress(fakeAccountId(999), 1), 0, 1)
                        .join()
                        .get(0)
                        .ciphertext());

        // the quota counts one entry per recipient queue, not a copy of the body: each of the
        // 1,000 queues (quota 5 here) holds one entry and takes four more
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class,
                    groupSend("group-more-" + i, body, recipients.subList(0, 10)));
        }
        assertEquals(5, count(Stored.BODIES));
    }

    protected static String fakeAccountId(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            id.append(alphabet.charAt(n % 32));
            n /= 32;
        }
        return id.toString();
    }

    @Test
    void wrongDeviceListsAreReportedAndStoreNothing() throws Exception {
        store.register(ALICE_2.registration(0)).join();
        SendRequest stale =
                sendFrom(
                        BOB_1,
                        "b1",
                        null,
                        List.of(
                                new Frame.Recipient(ALICE_1.accountId(), 1, 999, new byte[] {1}),
                                new Frame.Recipient(ALICE_1.accountId(), 7, 1, new byte[] {2})));
        SendOutcome.Mismatched mismatched =
                assertInstanceOf(SendOutcome.Mismatched.class, store.store(stale).join());
        Frame.DeviceMismatch m = mismatched.mismatches().get(0);
        assertEquals(List.of(2), m.missing());
        assertEquals(List.of(7), m.extra());
        assertEquals(List.of(1), m.stale());
        assertEquals(0, count(Stored.ENTRIES));
        assertEquals(0, count(Stored.BODIES));

        // the same clientMsgId is not remembered: fixed, it is stored
        SendRequest fixed = toBothOfAlicesDevices("b1");
        assertInstanceOf(SendOutcome.Stored.class, store.store(fixed).join());
    }

    @Test
    void theSendersOwnDeviceNeedNotBeAddressed() {
        store.register(ALICE_2.registration(0)).join();
        // Alice 1 writes to her other device only
        assertInstanceOf(
                SendOutcome.Stored.class, store.store(send("self", "sync", ALICE_2)).join());
    }

    @Test
    void anAccountWithoutDevicesIsAnUnknownRecipient() {
        SendRequest request =
                sendFrom(
                        ALICE_1,
                        "u1",
                        null,
                        List.of(
                                new Frame.Recipient(
                                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1, 1, new byte[] {1})));
        SendOutcome.UnknownRecipient unknown =
                assertInstanceOf(SendOutcome.UnknownRecipient.class, store.store(request).join());
        assertEquals("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", unknown.accountId());
    }

    @Test
    void aFullQueueRefusesNewEntriesUntilAcked() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class, store.store(send("q" + i, "x", BOB_1)).join());
        }
        SendOutcome.QuotaExceeded full =
                assertInstanceOf(
                        SendOutcome.QuotaExceeded.class,
                        store.store(send("q5", "x", BOB_1)).join());
        assertEquals(BOB_1.address(), full.device());
        assertEquals(5, count(Stored.ENTRIES));
        store.ack(BOB_1.address(), List.of(1L)).join();
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("q5", "x", BOB_1)).join());
    }

    /** {@code send} as the connection of {@code holds} sent it, next in its order. */
    private static SendRequest on(SendHolds holds, SendRequest send) {
        return new SendRequest(
                send.sender(),
                send.clientMsgId(),
                send.serverTime(),
                send.expiresAt(),
                send.body(),
                send.recipients(),
                holds.next());
    }

    @Test
    void aRefusedSendHoldsTheConnectionsLaterSendsToThatAccountUntilItIsSentAgain()
            throws Exception {
        store.register(ALICE_2.registration(0)).join();
        SendHolds connection = new SendHolds();
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(
                    SendOutcome.Stored.class,
                    store.store(on(connection, send("q" + i, "x", BOB_1))).join());
        }
        assertInstanceOf(
                SendOutcome.QuotaExceeded.class,
                store.store(on(connection, send("q5", "five", BOB_1))).join());
        store.ack(BOB_1.address(), List.of(1L, 2L)).join();

        // room again, but q6 may not pass q5
        SendOutcome.Held held =
                assertInstanceOf(
                        SendOutcome.Held.class,
                        store.store(on(connection, send("q6", "six", BOB_1))).join());
        assertEquals("q5", held.first());
        assertEquals(3, count(Stored.ENTRIES));
        // another account is not held, nor is Bob for another connection or a send outside one
        assertInstanceOf(
                SendOutcome.Stored.class,
                store.store(on(connection, send("a1", "x", ALICE_2))).join());
        assertInstanceOf(
                SendOutcome.Stored.class,
                store.store(on(new SendHolds(), send("other", "x", BOB_1))).join());
        store.ack(BOB_1.address(), List.of(3L)).join();

        assertInstanceOf(
                SendOutcome.Stored.class,
                store.store(on(connection, send("q5", "five", BOB_1))).join());
        assertInstanceOf(
                SendOutcome.Stored.class,
                store.store(on(connection, send("q6", "six", BOB_1))).join());
        List<QueueEntry> queue = store.read(BOB_1.address(), 0, 100, 1 << 20).join();
        List<String> texts = queue.stream().map(RelayStoreContractTest::text).toList();
        assertEquals(List.of("x->1", "x->1", "x->1", "five->1", "six->1"), texts);
        assertEquals(0, connection.holds());
    }

    @Test
    void anAbandonedRefusedSendHoldsNothingMore() throws Exception {
        SendHolds connection = new SendHolds();
        // Alice addresses a device 2 of Bob's that does not exist: refused, Bob is held
        List<Frame.Recipient> toTwo =
                List.of(new Frame.Recipient(BOB_1.accountId(), 2, 7, new byte[] {1}));
        assertInstanceOf(
                SendOutcome.Mismatched.class,
                store.store(on(connection, sendFrom(ALICE_1, "gone", null, toTwo))).join());
        assertInstanceOf(
                SendOutcome.Held.class,
                store.store(on(connection, send("next", "x", BOB_1))).join());
        // the client gives "gone" up (it will never send it again): Bob is no longer held
        connection.abandon("gone");
        connection.abandon("never-refused");
        assertInstanceOf(
                SendOutcome.Stored.class,
                store.store(on(connection, send("next", "x", BOB_1))).join());
        assertEquals(0, connection.holds());
    }

    @Test
    void aMismatchHoldsTheSendsQueuedBehindItInTheSameCommit() throws Exception {
        store.register(ALICE_2.registration(0)).join();
        SendHolds connection = new SendHolds();
        // Bob's first send misses Alice's device 2; the two behind it are submitted before any
        // answer, as a pipelining client does
        CompletableFuture<SendOutcome> stale =
                store.store(on(connection, sendFrom(BOB_1, "b1", null, toAlice1Only())));
        CompletableFuture<SendOutcome> fixedList =
                store.store(on(connection, toBothOfAlicesDevices("b2")));
        CompletableFuture<SendOutcome> third =
                store.store(on(connection, toBothOfAlicesDevices("b3")));
        assertInstanceOf(SendOutcome.Mismatched.class, stale.join());
        assertEquals("b1", assertInstanceOf(SendOutcome.Held.class, fixedList.join()).first());
        assertEquals("b1", assertInstanceOf(SendOutcome.Held.class, third.join()).first());
        assertEquals(0, count(Stored.ENTRIES));

        for (String id : List.of("b1", "b2", "b3")) {
            assertInstanceOf(
                    SendOutcome.Stored.class,
                    store.store(on(connection, toBothOfAlicesDevices(id))).join());
        }
        assertEquals(3, store.read(ALICE_2.address(), 0, 100, 1 << 20).join().size());
    }

    @Test
    void aHoldLapsesWhenTheHoldingSendExpires() throws Exception {
        SendHolds connection = new SendHolds();
        for (int i = 0; i < 5; i++) {
            store.store(on(connection, send("q" + i, "x", BOB_1))).join();
        }
        assertInstanceOf(
                SendOutcome.QuotaExceeded.class,
                store.store(on(connection, send("q5", "x", BOB_1))).join());
        store.ack(BOB_1.address(), List.of(1L)).join();
        clock.advance(Duration.ofMinutes(2)); // q5 expired: the client can no longer send it
        assertInstanceOf(
                SendOutcome.Stored.class,
                store.store(on(connection, send("q6", "x", BOB_1))).join());
    }

    @Test
    void aHoldNeverStopsASendThatArrivedBeforeTheRefusedOne() throws Exception {
        SendHolds connection = new SendHolds();
        SendRequest early = on(connection, send("early", "x", BOB_1));
        SendRequest late = on(connection, send("late", "x", BOB_1));
        // the later send was refused first (say, rate-limited before it reached the store)
        connection.refused(late, late.ticket().number(), null);
        assertInstanceOf(SendOutcome.Stored.class, store.store(early).join());
        assertInstanceOf(
                SendOutcome.Held.class,
                store.store(on(connection, send("later", "x", BOB_1))).join());
    }

    @Test
    void expiredEntriesAreNeverReadAndAreSwept() throws Exception {
        long now = clock.millis();
        byte[] shared = {7, 7};
        store.store(
                        new SendRequest(
                                ALICE_1.address(),
                                "e1",
                                now,
                                now + 60_000,
                                shared,
                                List.of(new Frame.Recipient(BOB_1.accountId(), 1, 2001, null))))
                .join();
        store.store(
                        new SendRequest(
                                ALICE_1.address(),
                                "e2",
                                now,
                                now + 3_600_000,
                                null,
                                List.of(
                                        new Frame.Recipient(
                                                BOB_1.accountId(), 1, 2001, new byte[] {9}))))
                .join();
        store.store(send("e3", "also-kept", BOB_1)).join(); // expires with e1, at +60 s

        clock.advance(Duration.ofSeconds(61));
        List<QueueEntry> left = store.read(BOB_1.address(), 0, 10).join();
        assertEquals(List.of("e2"), left.stream().map(QueueEntry::clientMsgId).toList());

        SweepResult swept = store.sweep().join();
        assertEquals(2, swept.entries());
        assertEquals(1, swept.bodies(), "the shared body of e1");
        assertEquals(1, count(Stored.ENTRIES));
        assertEquals(0, count(Stored.BODIES));
    }

    private static <T extends ExpiryNotice> T only(List<ExpiryNotice> notices, Class<T> type) {
        List<T> found = notices.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "one " + type.getSimpleName());
        return found.get(0);
    }

    /** A send from Bob's device 1 to Alice's device 1 that expires in a minute. */
    private SendRequest bobToAlice(String clientMsgId) {
        return sendFrom(BOB_1, clientMsgId, null, toAlice1Only());
    }

    @Test
    void anExpiredEntryTellsItsSenderAndSumsUpForItsRecipientAndBothSurviveARestart()
            throws Exception {
        long expiresAt = clock.millis() + 60_000;
        store.store(send("e1", "x", BOB_1)).join();
        store.store(send("e2", "y", BOB_1)).join();
        store.store(bobToAlice("kept")).join();
        store.store(
                        new SendRequest(
                                BOB_1.address(),
                                "later",
                                clock.millis(),
                                clock.millis() + 3_600_000,
                                null,
                                toAlice1Only()))
                .join();
        assertTrue(store.notices(ALICE_1.address(), 0, 10).join().isEmpty());

        clock.advance(Duration.ofSeconds(61));
        SweepResult swept = store.sweep().join();
        assertEquals(3, swept.entries());
        assertEquals(Set.of(ALICE_1.address(), BOB_1.address()), swept.noticed());
        reopen();

        List<ExpiryNotice> alice = store.notices(ALICE_1.address(), 0, 10).join();
        // Alice's two envelopes expired in Bob's queue; Bob's one expired in hers
        List<ExpiryNotice.Sent> sent =
                alice.stream()
                        .filter(n -> n instanceof ExpiryNotice.Sent)
                        .map(n -> (ExpiryNotice.Sent) n)
                        .toList();
        assertEquals(
                List.of("e1", "e2"), sent.stream().map(ExpiryNotice.Sent::clientMsgId).toList());
        for (ExpiryNotice.Sent n : sent) {
            assertEquals(BOB_1.accountId(), n.recipient());
            assertEquals(1, n.recipientDevice());
            assertEquals(expiresAt, n.expiresAt());
        }
        ExpiryNotice.Summary fromBob =
                (ExpiryNotice.Summary)
                        alice.stream()
                                .filter(n -> n instanceof ExpiryNotice.Summary)
                                .findFirst()
                                .orElseThrow();
        assertEquals(BOB_1.accountId(), fromBob.sender());
        assertEquals(1, fromBob.count());

        List<ExpiryNotice> bob = store.notices(BOB_1.address(), 0, 10).join();
        assertEquals(2, bob.size(), "a summary of Alice's two and the sent notice of 'kept'");
        assertTrue(bob.get(0).id() < bob.get(1).id(), "notices come by ID");
        ExpiryNotice.Summary fromAlice = only(bob, ExpiryNotice.Summary.class);
        assertEquals(
                new ExpiryNotice.Summary(
                        fromAlice.id(), ALICE_1.accountId(), 1, 2, expiresAt, expiresAt),
                fromAlice);
        ExpiryNotice.Sent kept = only(bob, ExpiryNotice.Sent.class);
        assertEquals("kept", kept.clientMsgId());
        assertEquals(
                1, store.notices(BOB_1.address(), bob.get(0).id(), 10).join().size(), "after ID");

        // acknowledged notices are gone for good; another device's IDs change nothing
        store.ackNotices(ALICE_1.address(), List.of(new Frame.NoticeAck(fromAlice.id(), 2))).join();
        store.ackNotices(BOB_1.address(), List.of(new Frame.NoticeAck(fromAlice.id(), 2))).join();
        store.ackNotices(BOB_1.address(), List.of(new Frame.NoticeAck(kept.id(), 1))).join();
        reopen();
        assertEquals(List.of(), store.notices(BOB_1.address(), 0, 10).join());
        assertEquals(3, store.notices(ALICE_1.address(), 0, 10).join().size());
        // the sweep finds nothing new to report
        assertEquals(Set.of(), store.sweep().join().noticed());
    }

    @Test
    void aSummaryThatGrewAfterItWasReadKeepsWhatItsAckDidNotCover() throws Exception {
        store.store(send("g1", "x", BOB_1)).join();
        clock.advance(Duration.ofSeconds(61));
        store.sweep().join();
        ExpiryNotice first = store.notices(BOB_1.address(), 0, 10).join().get(0);
        assertEquals(1, first.count());

        store.store(send("g2", "x", BOB_1)).join();
        store.store(send("g3", "x", BOB_1)).join();
        clock.advance(Duration.ofSeconds(61));
        store.sweep().join();
        // Bob took note of the one it was told of, while two more expired
        store.ackNotices(BOB_1.address(), List.of(new Frame.NoticeAck(first.id(), 1))).join();

        List<ExpiryNotice> left = store.notices(BOB_1.address(), 0, 10).join();
        assertEquals(1, left.size());
        assertEquals(first.id(), left.get(0).id());
        assertEquals(2, left.get(0).count());
    }

    @Test
    void entriesDeletedByAReinstallDidNotExpireAndTheDevicesNoticesGoWithIt() throws Exception {
        store.store(bobToAlice("r1")).join();
        store.store(send("to-bob", "x", BOB_1)).join();
        clock.advance(Duration.ofSeconds(61));
        store.sweep().join();
        assertEquals(2, store.notices(ALICE_1.address(), 0, 10).join().size());

        store.store(bobToAlice("r2")).join();
        store.register(ALICE_1_REINSTALLED.registration(1)).join();
        assertEquals(List.of(), store.notices(ALICE_1.address(), 0, 10).join());
        clock.advance(Duration.ofSeconds(61));
        store.sweep().join();

        // Bob hears of r1, which expired, not of r2, which the reinstall deleted
        List<String> bobHears =
                store.notices(BOB_1.address(), 0, 10).join().stream()
                        .filter(n -> n instanceof ExpiryNotice.Sent)
                        .map(n -> ((ExpiryNotice.Sent) n).clientMsgId())
                        .toList();
        assertEquals(List.of("r1"), bobHears);
    }

    @Test
    void aSenderHoldsAtMostTheCapOfSentNoticesWhileItsRecipientsSummaryCountsAll()
            throws Exception {
        sentNoticeCap = 2;
        reopen();
        store.store(send("c1", "x", BOB_1)).join();
        store.store(send("c2", "x", BOB_1)).join();
        store.store(send("c3", "x", BOB_1)).join();
        clock.advance(Duration.ofSeconds(61));
        store.sweep().join();

        List<ExpiryNotice> alice = store.notices(ALICE_1.address(), 0, 10).join();
        assertEquals(2, alice.size());
        assertEquals(3, store.notices(BOB_1.address(), 0, 10).join().get(0).count());

        // room again once the sender took note of one
        store.ackNotices(ALICE_1.address(), List.of(new Frame.NoticeAck(alice.get(0).id(), 1)))
                .join();
        store.store(send("c4", "x", BOB_1)).join();
        clock.advance(Duration.ofSeconds(61));
        store.sweep().join();
        assertEquals(
                List.of("c2", "c4"),
                store.notices(ALICE_1.address(), 0, 10).join().stream()
                        .map(n -> ((ExpiryNotice.Sent) n).clientMsgId())
                        .toList());
    }

    @Test
    void idempotencyRecordsAreForgottenAfterTheRetention() throws Exception {
        store.store(send("old", "x", BOB_1)).join();
        clock.advance(Duration.ofDays(31));
        assertEquals(1, store.sweep().join().sendIds());
        assertEquals(0, count(Stored.SEND_IDS));
        // forgotten, so the same clientMsgId is a new send now
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("old", "x", BOB_1)).join());
    }

    @Test
    void aRefusedSendLeavesNoIdempotencyRecord() throws Exception {
        SendRequest wrongDevice =
                sendFrom(
                        ALICE_1,
                        "r1",
                        null,
                        List.of(new Frame.Recipient(BOB_1.accountId(), 9, 1, new byte[] {1})));
        assertInstanceOf(SendOutcome.Mismatched.class, store.store(wrongDevice).join());
        assertEquals(0, count(Stored.SEND_IDS));
        assertInstanceOf(SendOutcome.Stored.class, store.store(send("r1", "x", BOB_1)).join());
    }

    @Test
    void oneTimePreKeysAreHandedOutOnceThenTheLastResortKyberKey() {
        Set<Integer> ecSeen = new HashSet<>();
        Set<Integer> kyberSeen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            List<Frame.PreKeyBundle> bundles = store.takeBundles(BOB_1.accountId()).join();
            assertEquals(1, bundles.size());
            Frame.PreKeyBundle b = bundles.get(0);
            assertEquals(2001, b.registrationId());
            assertArrayEquals(BOB_1.identityKey(), b.identityKey());
            assertTrue(ecSeen.add(b.oneTimePreKey().id()), "EC prekey handed out twice");
            assertTrue(kyberSeen.add(b.kyberPreKey().id()), "Kyber prekey handed out twice");
            assertNotEquals(2, b.kyberPreKey().id());
        }
        assertEquals(new PreKeyCounts(0, 0), store.preKeyCounts(BOB_1.address()).join());
        Frame.PreKeyBundle exhausted = store.takeBundles(BOB_1.accountId()).join().get(0);
        assertNull(exhausted.oneTimePreKey());
        assertEquals(2, exhausted.kyberPreKey().id(), "the last-resort key");
        assertEquals(2, store.takeBundles(BOB_1.accountId()).join().get(0).kyberPreKey().id());

        store.uploadPreKeys(
                        BOB_1.address(),
                        new Frame.UploadPreKeys(
                                "r1",
                                null,
                                new Frame.SignedPreKey(
                                        9, Vectors.fake(1569, 9), Vectors.fake(64, 9)),
                                List.of(new Frame.PreKey(500, Vectors.fake(33, 5))),
                                List.of()))
                .join();
        assertEquals(new PreKeyCounts(1, 0), store.preKeyCounts(BOB_1.address()).join());
        Frame.PreKeyBundle refilled = store.takeBundles(BOB_1.accountId()).join().get(0);
        assertEquals(500, refilled.oneTimePreKey().id());
        assertEquals(9, refilled.kyberPreKey().id(), "the new last-resort key replaced the old");
        assertTrue(store.takeBundles("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").join().isEmpty());
    }

    @Test
    void reRegistrationReplacesKeysAndEmptiesTheQueue() throws Exception {
        SendRequest toAlice =
                sendFrom(
                        BOB_1,
                        "b1",
                        null,
                        List.of(new Frame.Recipient(ALICE_1.accountId(), 1, 1001, new byte[] {1})));
        store.store(toAlice).join();
        store.register(ALICE_1_REINSTALLED.registration(1)).join();

        assertTrue(store.read(ALICE_1.address(), 0, 10).join().isEmpty());
        assertEquals(0, count(Stored.BODIES));
        assertArrayEquals(
                ALICE_1_REINSTALLED.authKey(),
                store.authKey(ALICE_1.address()).join().orElseThrow());
        assertEquals(new PreKeyCounts(1, 1), store.preKeyCounts(ALICE_1.address()).join());
        // seqs keep increasing across the reinstall, so an old ack cannot delete a new entry
        store.store(
                        sendFrom(
                                BOB_1,
                                "b2",
                                null,
                                List.of(
                                        new Frame.Recipient(
                                                ALICE_1.accountId(), 1, 1003, new byte[] {2}))))
                .join();
        assertEquals(2L, store.read(ALICE_1.address(), 0, 10).join().get(0).seq());
    }

    @Test
    void aReadEndsWithTheEntryThatReachesItsSize() {
        for (int i = 0; i < 5; i++) {
            store.store(send("b" + i, "entry" + i, BOB_1)).join(); // 9 bytes each: "entryN->1"
        }
        assertEquals(1, store.read(BOB_1.address(), 0, 10, 1).join().size(), "at least one");
        assertEquals(2, store.read(BOB_1.address(), 0, 10, 18).join().size());
        assertEquals(3, store.read(BOB_1.address(), 0, 10, 19).join().size());
        assertEquals(
                List.of(3L, 4L, 5L),
                store.read(BOB_1.address(), 2, 10, 1_000).join().stream()
                        .map(QueueEntry::seq)
                        .toList());
    }

    @Test
    void committedEntriesSurviveAReopen() throws Exception {
        store.store(send("d1", "durable", BOB_1)).join();
        reopen();
        assertEquals("durable->1", text(store.read(BOB_1.address(), 0, 10).join().get(0)));
        assertInstanceOf(
                SendOutcome.Duplicate.class, store.store(send("d1", "durable", BOB_1)).join());
    }

    @Test
    void writesAfterDrainAreRefused() {
        store.drainWrites().join();
        CompletionException refused =
                assertThrows(
                        CompletionException.class,
                        () -> store.store(send("late", "x", BOB_1)).join());
        assertInstanceOf(StoreClosedException.class, refused.getCause());
        assertEquals(0, store.read(BOB_1.address(), 0, 10).join().size(), "reads still work");
    }

    @Test
    void authKeyOfAnUnknownDeviceIsEmpty() {
        assertTrue(store.authKey(new DeviceAddress(BOB_1.accountId(), 9)).join().isEmpty());
    }

    @Test
    void reRegistrationDropsTheOldOneTimePreKeys() {
        store.register(ALICE_1_REINSTALLED.registration(1)).join();
        Frame.PreKeyBundle fresh = store.takeBundles(ALICE_1.accountId()).join().get(0);
        assertEquals(1003, fresh.registrationId());
        assertEquals(101, fresh.oneTimePreKey().id());
        assertArrayEquals(Vectors.fake(33, 1), fresh.oneTimePreKey().publicKey());
        Frame.PreKeyBundle exhausted = store.takeBundles(ALICE_1.accountId()).join().get(0);
        assertNull(exhausted.oneTimePreKey(), "the three keys of the old install are gone");
        assertEquals(2, exhausted.kyberPreKey().id(), "the new install's last-resort key");
    }

    @Test
    void concurrentBundleRequestsNeverGetTheSameOneTimePreKey() throws Exception {
        int keys = 20;
        store.register(BOB_1.registration(keys)).join();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Frame.PreKeyBundle>>> taken = new ArrayList<>();
            for (int i = 0; i < keys + 8; i++) {
                taken.add(callers.submit(() -> store.takeBundles(BOB_1.accountId()).join()));
            }
            List<Integer> ec = new ArrayList<>();
            List<Integer> kyber = new ArrayList<>();
            for (Future<List<Frame.PreKeyBundle>> f : taken) {
                Frame.PreKeyBundle b = f.get().get(0);
                if (b.oneTimePreKey() != null) {
                    ec.add(b.oneTimePreKey().id());
                }
                if (b.kyberPreKey().id() != 2) {
                    kyber.add(b.kyberPreKey().id());
                }
            }
            assertEquals(keys, ec.size(), "every EC prekey handed out: " + ec);
            assertEquals(keys, new HashSet<>(ec).size(), "an EC prekey went to two callers");
            assertEquals(keys, kyber.size(), "every Kyber prekey handed out: " + kyber);
            assertEquals(keys, new HashSet<>(kyber).size(), "a Kyber prekey went twice");
        } finally {
            callers.shutdownNow();
        }
        assertEquals(new PreKeyCounts(0, 0), store.preKeyCounts(BOB_1.address()).join());
    }

    @Test
    void concurrentSendsToOneDeviceGetDistinctSeqsInOrder() throws Exception {
        reopen(1_000);
        int threads = 4;
        int each = 25;
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> sent = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                sent.add(
                        senders.submit(
                                () -> {
                                    List<Long> mine = new ArrayList<>();
                                    for (int i = 0; i < each; i++) {
                                        SendOutcome.Stored s =
                                                (SendOutcome.Stored)
                                                        store.store(
                                                                        send(
                                                                                thread + "-" + i,
                                                                                "x",
                                                                                BOB_1))
                                                                .join();
                                        mine.addAll(seqs(s.entries().get(BOB_1.address())));
                                    }
                                    return mine;
                                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : sent) {
                List<Long> mine = f.get();
                assertEquals(mine.stream().sorted().toList(), mine, "one sender's seqs increase");
                all.addAll(mine);
            }
            assertEquals(threads * each, all.size(), "no seq handed out twice");
        } finally {
            senders.shutdownNow();
        }
        List<Long> read = seqs(store.read(BOB_1.address(), 0, 1_000).join());
        assertEquals(threads * each, read.size());
        assertEquals(read.stream().sorted().toList(), read);
        assertEquals((long) threads * each, store.lastSeq(BOB_1.address()).join());
    }

    // --- invites, queue totals, readiness

    /** An invite whose token is {@code token}, valid for an hour from the test clock. */
    protected Invite invite(String id, String token, int uses) {
        long now = clock.millis();
        return new Invite(id, sha256(token), uses, uses, now, now + 3_600_000);
    }

    protected static byte[] sha256(String token) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private InviteOutcome registerWith(Vectors.Vector device, String token) {
        return store.registerWithInvite(device.registration(1), sha256(token), clock.millis())
                .join();
    }

    private int usesLeft(String id) {
        return store.invites().join().stream()
                .filter(i -> i.id().equals(id))
                .findFirst()
                .orElseThrow()
                .usesLeft();
    }

    @Test
    void anInviteAdmitsAsManyRegistrationsAsItHasUsesThenIsUsed() throws Exception {
        store.createInvite(invite("00000000000000a1", "token-a", 2)).join();
        assertEquals(InviteOutcome.REGISTERED, registerWith(ALICE_2, "token-a"));
        assertTrue(store.authKey(ALICE_2.address()).join().isPresent());
        assertEquals(1, usesLeft("00000000000000a1"));
        assertEquals(InviteOutcome.REGISTERED, registerWith(ALICE_1_REINSTALLED, "token-a"));
        assertEquals(0, usesLeft("00000000000000a1"));

        reopen();
        // used up, durably: the next one registers nothing and takes no other invite's use
        store.createInvite(invite("00000000000000a2", "token-b", 1)).join();
        assertEquals(InviteOutcome.USED, registerWith(BOB_1.withDeviceId(2), "token-a"));
        assertTrue(store.authKey(BOB_1.withDeviceId(2).address()).join().isEmpty());
        assertEquals(0, usesLeft("00000000000000a1"));
        assertEquals(1, usesLeft("00000000000000a2"));
    }

    @Test
    void anUnknownOrRevokedTokenIsInvalidAndAnExpiredOneExpiredAndNeitherRegisters() {
        assertEquals(InviteOutcome.INVALID, registerWith(ALICE_2, "never-issued"));
        store.createInvite(invite("00000000000000b1", "token-r", 3)).join();
        assertTrue(store.revokeInvite("00000000000000b1").join());
        assertEquals(false, store.revokeInvite("00000000000000b1").join(), "gone already");
        assertEquals(InviteOutcome.INVALID, registerWith(ALICE_2, "token-r"));

        store.createInvite(invite("00000000000000b2", "token-e", 3)).join();
        clock.advance(Duration.ofHours(1));
        assertEquals(InviteOutcome.EXPIRED, registerWith(ALICE_2, "token-e"));
        assertEquals(3, usesLeft("00000000000000b2"));
        assertTrue(store.authKey(ALICE_2.address()).join().isEmpty(), "nothing registered");
    }

    @Test
    void invitesAreListedOldestFirstWithTheirHashNeverTheToken() {
        store.createInvite(invite("00000000000000c1", "token-1", 1)).join();
        clock.advance(Duration.ofSeconds(1));
        store.createInvite(invite("00000000000000c2", "token-2", 5)).join();
        List<Invite> invites = store.invites().join();
        assertEquals(
                List.of("00000000000000c1", "00000000000000c2"),
                invites.stream().map(Invite::id).toList());
        assertArrayEquals(sha256("token-2"), invites.get(1).tokenHash());
        assertEquals(5, invites.get(1).uses());
        assertEquals(clock.millis() + 3_600_000, invites.get(1).expiresAt());
        CompletableFuture<Void> sameToken =
                store.createInvite(invite("00000000000000c3", "token-1", 1));
        assertThrows(CompletionException.class, sameToken::join, "a token hash is unique");
    }

    @Test
    void concurrentRegistrationsNeverTakeMoreUsesThanTheInviteHas() throws Exception {
        store.createInvite(invite("00000000000000d1", "token-c", 3)).join();
        List<Vectors.Vector> devices = new ArrayList<>();
        for (int d = 2; d <= 9; d++) {
            devices.add(BOB_1.withDeviceId(d));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<InviteOutcome>> outcomes = new ArrayList<>();
            for (Vectors.Vector device : devices) {
                outcomes.add(pool.submit(() -> registerWith(device, "token-c")));
            }
            int registered = 0;
            for (Future<InviteOutcome> f : outcomes) {
                InviteOutcome o = f.get();
                if (o == InviteOutcome.REGISTERED) {
                    registered++;
                } else {
                    assertEquals(InviteOutcome.USED, o);
                }
            }
            assertEquals(3, registered);
            assertEquals(0, usesLeft("00000000000000d1"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void queueTotalsCountEntriesAndTheirBytesAndTheProbeWrites() {
        QueueTotals empty = store.queueTotals().join();
        assertEquals(new QueueTotals(0, 0), empty);
        store.store(send("t1", "abc", BOB_1)).join(); // "abc->1": 6 bytes
        QueueTotals one = store.queueTotals().join();
        assertEquals(new QueueTotals(1, 6), one);
        store.probe().join();
    }

    // --- the admin command's devices

    @Test
    void devicesAreListedWithTheirQueueAndWhenLastSeenAndNothingElse() {
        store.register(ALICE_2.registration(1)).join();
        store.store(send("l1", "hello", BOB_1)).join();
        store.store(send("l2", "again", BOB_1)).join();
        store.seen(BOB_1.address(), clock.millis() + 5).join();
        List<DeviceInfo> bob = store.devices(BOB_1.accountId()).join();
        assertEquals(List.of(new DeviceInfo(1, clock.millis(), clock.millis() + 5, 2)), bob);
        List<DeviceInfo> alice = store.devices(ALICE_1.accountId()).join();
        assertEquals(List.of(1, 2), alice.stream().map(DeviceInfo::deviceId).toList());
        assertEquals(0, alice.get(1).lastSeen(), "never seen");
        assertEquals(List.of(), store.devices("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").join());
    }

    @Test
    void aRevokedDeviceLosesItsKeysAndQueueAndSendersAreToldItIsGone() throws Exception {
        store.register(ALICE_2.registration(1)).join();
        store.store(send("r1", "to bob", BOB_1)).join();
        store.store(sendFrom(BOB_1, "r2", null, recipients("to alice", ALICE_1, ALICE_2))).join();

        assertEquals(List.of(2), store.revokeDevices(ALICE_1.accountId(), 2).join());
        assertTrue(store.authKey(ALICE_2.address()).join().isEmpty(), "its logins fail");
        assertTrue(store.read(ALICE_2.address(), 0, 10).join().isEmpty(), "its queue is gone");
        assertEquals(1, store.read(ALICE_1.address(), 0, 10).join().size(), "others keep theirs");
        assertEquals(1, store.takeBundles(ALICE_1.accountId()).join().size());
        SendOutcome stale =
                store.store(sendFrom(BOB_1, "r3", null, recipients("x", ALICE_1, ALICE_2))).join();
        assertInstanceOf(SendOutcome.Mismatched.class, stale, "device 2 is extra now");
        assertEquals(List.of(), store.revokeDevices(ALICE_1.accountId(), 2).join(), "gone");

        assertEquals(List.of(1), store.revokeDevices(BOB_1.accountId(), null).join());
        assertTrue(store.authKey(BOB_1.address()).join().isEmpty());
        assertEquals(List.of(), store.devices(BOB_1.accountId()).join());
        reopen();
        assertTrue(store.authKey(ALICE_2.address()).join().isEmpty(), "durably");
        assertEquals(
                List.of(1),
                store.devices(ALICE_1.accountId()).join().stream()
                        .map(DeviceInfo::deviceId)
                        .toList());
    }

    /** What a device-list change that the store must refuse fails with. */
    private static DeviceListRefusedException refused(CompletableFuture<?> change) {
        CompletionException e = assertThrows(CompletionException.class, change::join);
        return assertInstanceOf(DeviceListRefusedException.class, e.getCause());
    }

    private static SignedDeviceList parsed(byte[] list) {
        return SignedDeviceList.parse(list);
    }

    @Test
    void aRegistrationStoresItsSignedDeviceListAndOnlyANewerOneReplacesIt() throws Exception {
        TestAccount carol = TestAccount.generate();
        Vectors.Vector one = carol.device(1, 11);
        Vectors.Vector two = carol.device(2, 12);
        Vectors.Vector three = carol.device(3, 13);
        assertTrue(store.deviceList(carol.accountId()).join().isEmpty(), "no account, no list");

        byte[] v1 = carol.list(1, List.of(one));
        store.register(one.registration(1).withDeviceList(v1)).join();
        assertArrayEquals(v1, store.deviceList(carol.accountId()).join().orElseThrow());
        // a retry of the same registration with the same list changes nothing
        store.register(one.registration(1).withDeviceList(v1)).join();

        byte[] v2 = carol.list(2, List.of(one, two));
        store.register(two.registration(1).withDeviceList(v2)).join();
        assertArrayEquals(v2, store.deviceList(carol.accountId()).join().orElseThrow());

        // two links at once: the second one's list is not newer, so device 3 never appears
        byte[] raced = carol.list(2, List.of(one, three));
        assertTrue(
                refused(store.register(three.registration(1).withDeviceList(raced)))
                        .getMessage()
                        .contains("not newer"));
        assertTrue(store.authKey(three.address()).join().isEmpty(), "nothing registered");
        assertArrayEquals(v2, store.deviceList(carol.accountId()).join().orElseThrow());

        // a list that leaves out a registered device, or names another auth key, is refused
        refused(
                store.register(
                        three.registration(1).withDeviceList(carol.list(3, List.of(three)))));
        Vectors.Vector impostor = carol.device(2, 12);
        refused(
                store.register(
                        three.registration(1)
                                .withDeviceList(carol.list(3, List.of(one, impostor, three)))));
        // once the account has a list, a registration without one is refused
        refused(store.register(three.registration(1)));
        assertTrue(store.authKey(three.address()).join().isEmpty());

        store.register(
                        three.registration(1)
                                .withDeviceList(carol.list(3, List.of(one, two, three))))
                .join();
        reopen();
        assertEquals(
                3,
                SignedDeviceList.parse(store.deviceList(carol.accountId()).join().orElseThrow())
                        .version(),
                "durably");
    }

    @Test
    void aRemovalCarriesTheListWithoutTheDeviceAndRepairsAnOperatorsRevocation() {
        TestAccount carol = TestAccount.generate();
        Vectors.Vector one = carol.device(1, 11);
        Vectors.Vector two = carol.device(2, 12);
        Vectors.Vector three = carol.device(3, 13);
        store.register(one.registration(1).withDeviceList(carol.list(1, List.of(one)))).join();
        store.register(two.registration(1).withDeviceList(carol.list(2, List.of(one, two)))).join();
        store.register(
                        three.registration(1)
                                .withDeviceList(carol.list(3, List.of(one, two, three))))
                .join();

        // stale version, a list still naming the device, or no list: refused, nothing removed
        refused(store.removeDevice(carol.accountId(), 3, parsed(carol.list(3, List.of(one, two)))));
        refused(
                store.removeDevice(
                        carol.accountId(), 3, parsed(carol.list(4, List.of(one, two, three)))));
        refused(store.removeDevice(carol.accountId(), 3, null));
        assertTrue(store.authKey(three.address()).join().isPresent());

        byte[] v4 = carol.list(4, List.of(one, two));
        assertTrue(store.removeDevice(carol.accountId(), 3, parsed(v4)).join());
        assertTrue(store.authKey(three.address()).join().isEmpty(), "removed");
        assertArrayEquals(v4, store.deviceList(carol.accountId()).join().orElseThrow());
        assertEquals(false, store.removeDevice(carol.accountId(), 3, parsed(v4)).join(), "gone");

        // the operator revokes device 2 and cannot sign: the list still names it until a device
        // of the account signs one without it
        assertEquals(List.of(2), store.revokeDevices(carol.accountId(), 2).join());
        assertArrayEquals(v4, store.deviceList(carol.accountId()).join().orElseThrow());
        byte[] v5 = carol.list(5, List.of(one));
        assertTrue(store.removeDevice(carol.accountId(), 2, parsed(v5)).join());
        assertArrayEquals(v5, store.deviceList(carol.accountId()).join().orElseThrow());

        // revoking the whole account forgets its list: it may start again at version 1
        store.revokeDevices(carol.accountId(), null).join();
        assertTrue(store.deviceList(carol.accountId()).join().isEmpty());
    }

    @Test
    void anAccountWithoutAListGetsItsFirstOneOnlyIfItNamesExactlyItsDevices() {
        // Alice registered before device lists existed (the vectors carry none)
        store.register(ALICE_2.registration(1)).join();
        assertTrue(store.deviceList(ALICE_1.accountId()).join().isEmpty());
        // the store checks no signature (the caller did): these carry 64 zero bytes in its place
        byte[] onlyOne = TestAccount.body(ALICE_1.accountId(), 1, List.of(ALICE_1));
        refused(
                store.putDeviceList(
                        ALICE_1.accountId(),
                        parsed(java.util.Arrays.copyOf(onlyOne, onlyOne.length + 64))));

        byte[] both = TestAccount.body(ALICE_1.accountId(), 7, List.of(ALICE_1, ALICE_2));
        byte[] list = java.util.Arrays.copyOf(both, both.length + 64);
        store.putDeviceList(ALICE_1.accountId(), parsed(list)).join();
        assertArrayEquals(list, store.deviceList(ALICE_1.accountId()).join().orElseThrow());
        byte[] older = TestAccount.body(ALICE_1.accountId(), 6, List.of(ALICE_1, ALICE_2));
        refused(
                store.putDeviceList(
                        ALICE_1.accountId(),
                        parsed(java.util.Arrays.copyOf(older, older.length + 64))));
        // and from then on a removal without a list is refused
        refused(store.removeDevice(ALICE_1.accountId(), 2, null));
    }

    private static List<Frame.Recipient> recipients(String text, Vectors.Vector... devices) {
        List<Frame.Recipient> list = new ArrayList<>();
        for (Vectors.Vector r : devices) {
            list.add(
                    new Frame.Recipient(
                            r.accountId(),
                            r.deviceId(),
                            r.registrationId(),
                            (text + "->" + r.deviceId()).getBytes(StandardCharsets.UTF_8)));
        }
        return list;
    }
}
