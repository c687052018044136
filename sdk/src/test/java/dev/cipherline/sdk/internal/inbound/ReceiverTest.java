package dev.cipherline.sdk.internal.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.protocol.Frame;
import dev.cipherline.protocol.Kind;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.RecordingListener;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.content.SyncContent;
import dev.cipherline.sdk.internal.store.CommitLog;
import dev.cipherline.sdk.internal.store.ContactStore;
import dev.cipherline.sdk.internal.store.ConversationStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.store.StoreSql;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bob's receiving side with real libsignal sessions and a real store; alice sends. */
class ReceiverTest {
    @TempDir Path dir;

    private TestDevice alice;
    private TestDevice bob;
    private TestDevice carol;
    private MessageStore bobMessages;
    private RecordingListener listener;
    private Events events;
    private Receiver receiver;
    private final List<Long> acked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        alice = new TestDevice(dir.resolve("alice"));
        bob = new TestDevice(dir.resolve("bob"));
        carol = new TestDevice(dir.resolve("carol"));
        alice.startSession(bob, bob.publish(1, 2, false));
        bobMessages = new MessageStore(bob.db);
        listener = new RecordingListener();
        events = new Events(listener);
        receiver = receiver(Runnable::run, true);
    }

    @AfterEach
    void tearDown() {
        events.close();
        alice.close();
        bob.close();
        carol.close();
    }

    private long expiresAt() {
        return System.currentTimeMillis() + Duration.ofDays(1).toMillis();
    }

    /** What alice's SDK would put in a send for bob. */
    private byte[] sealFromAlice(String clientMsgId, String text) throws Exception {
        long now = System.currentTimeMillis();
        byte[] sealed =
                SealedPayload.seal(
                        new SealedPayload.Header(
                                SealedPayload.KIND_MESSAGE,
                                alice.accountId,
                                1,
                                bob.accountId,
                                SealedPayload.ANY_DEVICE,
                                clientMsgId,
                                now,
                                expiresAt()),
                        Content.encodeText(text));
        return alice.crypto.encrypt(bob.accountId, 1, sealed);
    }

    private Frame.Deliver deliver(long seq, String sender, String clientMsgId, byte[] ciphertext) {
        return new Frame.Deliver(
                seq,
                sender,
                1,
                clientMsgId,
                Kind.MESSAGE,
                System.currentTimeMillis(),
                expiresAt() - 1_000,
                ciphertext);
    }

    /** What alice's SDK would send bob with {@code body} as content. */
    private byte[] sealFromAlice(String clientMsgId, byte[] body) throws Exception {
        long now = System.currentTimeMillis();
        return alice.crypto.encrypt(
                bob.accountId,
                1,
                SealedPayload.seal(
                        new SealedPayload.Header(
                                SealedPayload.KIND_MESSAGE,
                                alice.accountId,
                                1,
                                bob.accountId,
                                SealedPayload.ANY_DEVICE,
                                clientMsgId,
                                now,
                                expiresAt()),
                        body));
    }

    /** A receiver whose end-of-burst work waits in {@code tasks}, as on the inbound thread. */
    private Receiver queuedReceiver(List<Runnable> tasks) {
        // the receipts' linger queues its task in the same list: the test decides when time passes
        return InboundRig.receiver(
                bob,
                bobMessages,
                events,
                true,
                acked::addAll,
                tasks::add,
                (millis, task) -> tasks.add(task));
    }

    /**
     * Bob's receiver, running its end-of-burst work on {@code inbound}; {@code appListening} says
     * whether an app listener takes the messages.
     */
    private Receiver receiver(java.util.function.Consumer<Runnable> inbound, boolean appListening) {
        return InboundRig.receiver(bob, bobMessages, events, appListening, acked::addAll, inbound);
    }

    @Test
    void aRedeliveredEnvelopeIsAcknowledgedAndDroppedBeforeDecrypting() throws Exception {
        byte[] first = sealFromAlice("m1", "hello bob");
        receiver.deliver(deliver(1, alice.accountId, "m1", first));
        IncomingMessage m = listener.awaitMessages(1).get(0);
        assertEquals("hello bob", m.text());
        assertEquals(alice.accountId, m.from().value());

        // the relay delivers it again (e.g. the ack was lost): acked, never shown twice
        receiver.deliver(deliver(2, alice.accountId, "m1", first));
        receiver.deliver(deliver(3, alice.accountId, "m2", sealFromAlice("m2", "second")));
        assertEquals("second", listener.awaitMessages(1).get(0).text());
        assertEquals(List.of(1L, 2L, 3L), acked);
        assertEquals(2, bobMessages.history(alice.accountId, 10, null).size());
    }

    @Test
    void anEnvelopeWhoseOuterHeaderDisagreesIsReportedAckedAndNotStored() throws Exception {
        byte[] genuine = sealFromAlice("m1", "hello bob");

        // a relay that rewrites the client message ID
        receiver.deliver(deliver(1, alice.accountId, "forged", genuine));
        ChatException error = listener.awaitError();
        assertEquals(ChatException.Reason.CRYPTO_FAILURE, error.reason());
        assertFalse(error.getMessage().contains("hello"));

        // a relay that claims another sender
        receiver.deliver(deliver(2, carol.accountId, "m1", genuine));
        assertEquals(ChatException.Reason.CRYPTO_FAILURE, listener.awaitError().reason());

        assertEquals(List.of(1L, 2L), acked);
        assertEquals(List.of(), bobMessages.history(alice.accountId, 10, null));
        assertEquals(List.of(), bobMessages.history(carol.accountId, 10, null));
        assertFalse(bobMessages.incomingExists(alice.accountId, 1, "forged"));

        // nothing of the refused attempts was kept, so the genuine envelope still opens
        receiver.deliver(deliver(3, alice.accountId, "m1", genuine));
        assertEquals("hello bob", listener.awaitMessages(1).get(0).text());
        assertTrue(bobMessages.incomingExists(alice.accountId, 1, "m1"));
        assertEquals(List.of(), listener.drainErrors());
    }

    @Test
    void aBatchIsStoredInOneSyncedCommitAndMarkedHandedOverInAnotherSyncedOne() throws Exception {
        CommitLog commits = CommitLog.of(bob.db);
        List<Frame.Deliver> batch = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            batch.add(deliver(i, alice.accountId, "m" + i, sealFromAlice("m" + i, "text " + i)));
        }
        // the frames arrive together: the drain runs after all of them
        List<Runnable> inboundTasks = new ArrayList<>();
        Receiver batching = queuedReceiver(inboundTasks);
        for (Frame.Deliver d : batch) {
            batching.deliver(d);
        }
        for (int i = 0; i < inboundTasks.size(); i++) {
            inboundTasks.get(i).run();
        }
        assertEquals(3, listener.awaitMessages(3).size());
        CountDownLatch marked = new CountDownLatch(1);
        events.run(marked::countDown); // after the hand-over marks, on the same thread
        assertTrue(marked.await(10, TimeUnit.SECONDS));

        // stored (and acknowledged) after one synced commit for the batch; the hand-over marks
        // are synced too, so that a power failure cannot hand the app a message twice
        List<String> log = commits.commits();
        assertEquals(CommitLog.FULL, log.get(0));
        assertEquals(0, java.util.Collections.frequency(log, CommitLog.NORMAL), log.toString());
        assertEquals(List.of(1L, 2L, 3L), acked);
        assertEquals(List.of(), bobMessages.undeliveredIncoming());
    }

    @Test
    void messagesNotHandedToTheAppAreReplayed() throws Exception {
        receiver.deliver(deliver(1, alice.accountId, "m1", sealFromAlice("m1", "one")));
        listener.awaitMessages(1);
        events.close();

        // a store where the app never saw the message: mark it undelivered again
        StoreSql.execute(bob.db, "UPDATE messages SET delivered_to_app = 0");
        RecordingListener next = new RecordingListener();
        events = new Events(next);
        receiver(Runnable::run, true).replayUndelivered();
        assertEquals("one", next.awaitMessages(1).get(0).text());
        events.close();
        assertEquals(List.of(), bobMessages.undeliveredIncoming());
    }

    @Test
    void aClientWithoutAListenerStoresMessagesButLeavesThemForTheApp() throws Exception {
        events.close();
        RecordingListener nobody = new RecordingListener();
        events = new Events(nobody);
        Receiver sendOnly = receiver(Runnable::run, false);

        sendOnly.deliver(deliver(1, alice.accountId, "m1", sealFromAlice("m1", "kept")));

        assertEquals(List.of(1L), acked, "stored, so acknowledged");
        assertEquals(1, bobMessages.undeliveredIncoming().size(), "not yet seen by the app");
        events.close();
        RecordingListener app = new RecordingListener();
        events = new Events(app);
        receiver(Runnable::run, true).replayUndelivered();
        assertEquals("kept", app.awaitMessages(1).get(0).text());
    }

    @Test
    void aTypingIndicatorIsReportedButNeverStoredNorAcknowledged() throws Exception {
        long now = System.currentTimeMillis();
        byte[] sealed =
                SealedPayload.seal(
                        new SealedPayload.Header(
                                SealedPayload.KIND_EPHEMERAL,
                                alice.accountId,
                                1,
                                bob.accountId,
                                SealedPayload.ANY_DEVICE,
                                "t1",
                                now,
                                expiresAt()),
                        Content.encodeTyping(true));
        byte[] ciphertext = alice.crypto.encrypt(bob.accountId, 1, sealed);

        receiver.deliver(
                new Frame.Deliver(
                        0,
                        alice.accountId,
                        1,
                        "t1",
                        Kind.EPHEMERAL,
                        now,
                        expiresAt() - 1_000,
                        ciphertext));
        listener.awaitTyping(new AccountId(alice.accountId), true);

        // the ratchet step was kept: the next message on the session still opens
        receiver.deliver(deliver(1, alice.accountId, "m1", sealFromAlice("m1", "after typing")));
        assertEquals("after typing", listener.awaitMessages(1).get(0).text());
        assertEquals(List.of(1L), acked, "only the message is acknowledged");
        assertEquals(1, bobMessages.history(alice.accountId, 10, null).size());
    }

    @Test
    void aStoredMessageOwesItsSenderADeliveryReceiptInTheOutbox() throws Exception {
        // like the inbound thread: the end-of-burst work runs after the frames already queued
        List<Runnable> later = new ArrayList<>();
        Receiver burst = queuedReceiver(later);
        burst.deliver(deliver(1, alice.accountId, "m1", sealFromAlice("m1", "one")));
        burst.deliver(deliver(2, alice.accountId, "m2", sealFromAlice("m2", "two")));
        assertEquals(1, later.size(), "one group commit for the burst");
        later.remove(0).run();
        listener.awaitMessages(2);
        assertEquals(List.of(), acked, "acknowledged at the end of the burst");
        assertEquals(List.of(), new OutboxStore(bob.db).heads(), "owed, not yet batched");
        while (!later.isEmpty()) {
            later.remove(0).run();
        }
        assertEquals(List.of(1L, 2L), acked);

        List<OutboxStore.Entry> owed = new OutboxStore(bob.db).heads();
        assertEquals(1, owed.size(), "one receipt for the burst");
        assertEquals(alice.accountId, owed.get(0).recipient());
        assertFalse(owed.get(0).isMessage(), "a receipt is not in the history");
        SealedPayload.Opened receipt = SealedPayload.open(owed.get(0).sealed());
        assertEquals(
                new Content.Receipt(Content.ReceiptType.DELIVERED, List.of("m1", "m2")),
                Content.decode(receipt.body()));
        assertEquals(2, bobMessages.history(alice.accountId, 10, null).size());
    }

    @Test
    void receiptsOwedByBurstsWithinTheLingerGoOutAsOne() throws Exception {
        List<Runnable> tasks = new ArrayList<>();
        Receiver trickle = queuedReceiver(tasks);
        trickle.deliver(deliver(1, alice.accountId, "m1", sealFromAlice("m1", "one")));
        tasks.remove(0).run(); // the first burst's group commit
        tasks.remove(0).run(); // its end: acknowledged, the receipts' linger starts
        assertEquals(List.of(1L), acked);
        assertEquals(1, tasks.size(), "the linger is waiting");
        Runnable linger = tasks.remove(0);

        trickle.deliver(deliver(2, alice.accountId, "m2", sealFromAlice("m2", "two")));
        tasks.remove(0).run();
        tasks.remove(0).run();
        assertEquals(List.of(1L, 2L), acked);
        assertEquals(List.of(), tasks, "no second linger while one waits");
        assertEquals(List.of(), new OutboxStore(bob.db).heads(), "owed, not yet batched");

        linger.run(); // the linger is over: it hands the flush to the inbound thread
        tasks.remove(0).run();
        List<OutboxStore.Entry> owed = new OutboxStore(bob.db).heads();
        assertEquals(1, owed.size(), "one receipt for both bursts");
        assertEquals(
                new Content.Receipt(Content.ReceiptType.DELIVERED, List.of("m1", "m2")),
                Content.decode(SealedPayload.open(owed.get(0).sealed()).body()));
    }

    @Test
    void aBurstIsStoredInOneTransactionAndARefusalInItCostsOnlyItsOwnEnvelope() throws Exception {
        List<Runnable> later = new ArrayList<>();
        Receiver burst = queuedReceiver(later);
        byte[] one = sealFromAlice("m1", "one");
        byte[] forged = sealFromAlice("m2", "two");
        byte[] three = sealFromAlice("m3", "three");
        burst.deliver(deliver(1, alice.accountId, "m1", one));
        burst.deliver(deliver(2, alice.accountId, "m1", one)); // the same envelope again
        burst.deliver(deliver(3, alice.accountId, "rewritten", forged));
        burst.deliver(deliver(4, alice.accountId, "m3", three));
        assertEquals(List.of(), bobMessages.history(alice.accountId, 10, null), "not yet");
        while (!later.isEmpty()) {
            later.remove(0).run();
        }
        // the refusal rolled the batch back; each envelope was then handled on its own, and the
        // session steps of the rolled-back batch were not kept in the session cache either
        assertEquals(ChatException.Reason.CRYPTO_FAILURE, listener.awaitError().reason());
        List<IncomingMessage> got = listener.awaitMessages(2);
        assertEquals(List.of("one", "three"), got.stream().map(IncomingMessage::text).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), acked);
        assertEquals(2, bobMessages.history(alice.accountId, 10, null).size());

        // a clean burst commits together and is acknowledged after the commit
        acked.clear();
        burst.deliver(deliver(5, alice.accountId, "m4", sealFromAlice("m4", "four")));
        burst.deliver(deliver(6, alice.accountId, "m5", sealFromAlice("m5", "five")));
        burst.deliver(deliver(7, alice.accountId, "m4", sealFromAlice("m4", "four again")));
        while (!later.isEmpty()) {
            later.remove(0).run();
        }
        assertEquals(
                List.of("four", "five"),
                listener.awaitMessages(2).stream().map(IncomingMessage::text).toList());
        assertEquals(List.of(5L, 6L, 7L), acked);
        assertEquals(4, bobMessages.history(alice.accountId, 10, null).size());
        assertEquals(List.of(), listener.drainErrors());

        // every message handed over was marked seen by the app (after its batch)
        events.close();
        assertEquals(List.of(), bobMessages.undeliveredIncoming());
    }

    @Test
    void syncContentFromAnotherAccountIsAcknowledgedAndIgnored() throws Exception {
        receiver.deliver(deliver(1, alice.accountId, "m1", sealFromAlice("m1", "hello bob")));
        listener.awaitMessages(1);
        // alice pretends to be one of bob's devices: a copy of a message "bob sent" to carol, a
        // read of bob's conversation with her, a contact and a deletion
        receiver.deliver(
                deliver(
                        2,
                        alice.accountId,
                        "s1",
                        sealFromAlice(
                                "s1",
                                SyncContent.encodeTranscript(
                                        carol.accountId, Content.encodeText("planted")))));
        receiver.deliver(
                deliver(
                        3,
                        alice.accountId,
                        "s2",
                        sealFromAlice(
                                "s2",
                                SyncContent.encodeReadSync(
                                        new Content.ReadSync(alice.accountId, null, "m1")))));
        receiver.deliver(
                deliver(
                        4,
                        alice.accountId,
                        "s3",
                        sealFromAlice(
                                "s3",
                                SyncContent.encodeContactSync(
                                        new Content.ContactSync(
                                                carol.accountId, "carol", false)))));
        receiver.deliver(
                deliver(
                        5,
                        alice.accountId,
                        "s4",
                        sealFromAlice(
                                "s4",
                                SyncContent.encodeDeleteSync(
                                        new Content.DeleteSync(alice.accountId, null)))));
        receiver.drain();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), acked.stream().sorted().toList());
        assertEquals(List.of(), bobMessages.history(carol.accountId, 10, null));
        assertEquals(1, bobMessages.history(alice.accountId, 10, null).size());
        assertEquals(1, new ConversationStore(bob.db).list().get(0).unreadCount(), "still unread");
        assertTrue(new ContactStore(bob.db).list().isEmpty());
        assertEquals(List.of(), listener.drainRejections());
    }
}
