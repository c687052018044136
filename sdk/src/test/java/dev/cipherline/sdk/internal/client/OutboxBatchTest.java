package dev.cipherline.sdk.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ConnectionState;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.RecordingListener;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.app.OutboxResults;
import dev.cipherline.sdk.internal.content.Content;
import dev.cipherline.sdk.internal.group.Groups;
import dev.cipherline.sdk.internal.outbound.Encryptor;
import dev.cipherline.sdk.internal.outbound.OutboxScheduler;
import dev.cipherline.sdk.internal.outbound.OutboxThread;
import dev.cipherline.sdk.internal.outbound.SendQueue;
import dev.cipherline.sdk.internal.store.CommitLog;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import dev.cipherline.sdk.internal.transport.Backoff;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alice's outbox thread, with real libsignal sessions and a real store, sending to bob and carol
 * through a relay played by the test: it opens what it accepts with the recipients' real sessions,
 * stores each client message ID once (as the relay does) and answers as the test says.
 */
class OutboxBatchTest {
    @TempDir Path dir;

    private TestDevice alice;
    private TestDevice bob;
    private TestDevice carol;
    private MessageStore messages;
    private OutboxStore outbox;
    private RecordingListener listener;
    private Events events;
    private OutboxResults results;
    private OutboxThread worker;
    private CommitLog commits;

    /** Every send the relay got, as "recipient-initial:text", in order. */
    private final List<String> sends = new CopyOnWriteArrayList<>();

    /**
     * What the relay stored, as "recipient-initial:text", in order: each client message ID once.
     */
    private final List<String> stored = new CopyOnWriteArrayList<>();

    private final List<String> storedIds = new CopyOnWriteArrayList<>();

    /** The answer to a send, or null for the relay's own (accepted, after storing it). */
    private volatile Function<Frame.Send, Frame> refuse = send -> null;

    /** Called with each send before it is answered. */
    private volatile Runnable onSend = () -> {};

    @BeforeEach
    void setUp() throws Exception {
        alice = new TestDevice(dir.resolve("alice"));
        bob = new TestDevice(dir.resolve("bob"));
        carol = new TestDevice(dir.resolve("carol"));
        alice.startSession(bob, bob.publish(1, 2, false));
        alice.startSession(carol, carol.publish(1, 2, false));
        messages = new MessageStore(alice.db);
        outbox = new OutboxStore(alice.db);
        listener = new RecordingListener();
        events = new Events(listener);
        results = new OutboxResults(alice.db, outbox, messages, events);
        commits = CommitLog.of(alice.db);
    }

    @AfterEach
    void tearDown() {
        if (worker != null) {
            worker.stop();
        }
        relayThread.shutdownNow();
        events.close();
        alice.close();
        bob.close();
        carol.close();
    }

    private void startWorker() {
        Clock clock = Clock.systemUTC();
        GroupCrypto groupCrypto = new GroupCrypto(alice.store);
        Groups groups =
                new Groups(
                        alice.db,
                        new GroupStore(alice.db),
                        messages,
                        outbox,
                        groupCrypto,
                        new LocalDevice(alice.accountId, 1),
                        clock);
        OutboxScheduler scheduler =
                OutboxScheduler.create(
                        alice.db,
                        outbox,
                        alice.store,
                        alice.crypto,
                        new Encryptor(alice.store, alice.crypto, groupCrypto, alice.accountId, 1),
                        this::request,
                        new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)),
                        clock,
                        results,
                        groups);
        // no prekey check is ever asked for here
        worker = new OutboxThread(scheduler, null, () -> ConnectionState.CONNECTED, clock);
        worker.start();
    }

    /**
     * The relay's side of a request: answered at once, or, with {@link #answerLater}, a few
     * milliseconds later on one thread in the order of the requests, as a relay's single writer
     * does; counts the sends in flight.
     */
    private CompletableFuture<Frame> request(Frame frame, String key) {
        if (!answerLater) {
            return CompletableFuture.completedFuture(relay(frame, key));
        }
        String recipient =
                frame instanceof Frame.Send send ? send.recipients().get(0).accountId() : "";
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        int mine = inFlightTo.merge(recipient, 1, Integer::sum);
        maxInFlightToOne.accumulateAndGet(mine, Math::max);
        return CompletableFuture.supplyAsync(
                () -> {
                    inFlight.decrementAndGet();
                    inFlightTo.merge(recipient, -1, Integer::sum);
                    return relay(frame, key);
                },
                CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS, relayThread));
    }

    private volatile boolean answerLater;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger maxInFlightToOne = new AtomicInteger();
    private final Map<String, Integer> inFlightTo = new ConcurrentHashMap<>();
    private final ExecutorService relayThread = Executors.newSingleThreadExecutor();

    /** Recipient account to the clientMsgId of its refused send, as the relay's holds keep them. */
    private final Map<String, String> holds = new ConcurrentHashMap<>();

    private Frame relay(Frame frame, String key) {
        if (frame instanceof Frame.GetBundles get) {
            // a new bundle of bob's (the test only refetches bob's)
            return new Frame.Bundles(
                    get.requestId(), get.accountId(), List.of(bob.publish(3, 4, false)));
        }
        Frame.Send send = (Frame.Send) frame;
        String recipient = send.recipients().get(0).accountId();
        String opened = open(send);
        sends.add(opened);
        onSend.run();
        // the relay's rule: a later send to an account held by a refused one is refused "held"
        holds.remove(recipient, send.clientMsgId());
        String first = holds.get(recipient);
        if (first != null) {
            return Frame.ErrorFrame.of(
                    send.clientMsgId(), ErrorCode.HELD, "send " + first + " first");
        }
        Frame refusal = refuse.apply(send);
        if (refusal != null) {
            holds.putIfAbsent(recipient, send.clientMsgId());
            return refusal;
        }
        if (!storedIds.contains(send.clientMsgId())) {
            storedIds.add(send.clientMsgId());
            stored.add(opened);
        }
        return new Frame.Accepted(send.clientMsgId(), System.currentTimeMillis());
    }

    /** Decrypts a send with its recipient's real session (once per send, as it is delivered). */
    private String open(Frame.Send send) {
        Frame.Recipient r = send.recipients().get(0);
        TestDevice to = r.accountId().equals(bob.accountId) ? bob : carol;
        String from = alice.accountId;
        byte[] plaintext =
                to.db.transaction(
                        c -> {
                            try {
                                return to.crypto.decrypt(from, 1, r.ciphertext());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try {
            SealedPayload.Opened o = SealedPayload.open(plaintext);
            assertEquals(send.clientMsgId(), o.header().clientMsgId());
            return (to == bob ? "b:" : "c:") + ((Content.Text) Content.decode(o.body())).text();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Queues the texts, "b…" to bob and "c…" to carol, as {@code send} does. */
    private List<MessageId> queue(String... texts) {
        SendQueue queue = new SendQueue(alice.db, messages, outbox, alice.accountId, 1);
        List<MessageId> ids = new ArrayList<>();
        for (String text : texts) {
            MessageId id = MessageId.random();
            String to = text.startsWith("b") ? bob.accountId : carol.accountId;
            queue.add(to, id, text, System.currentTimeMillis(), false);
            ids.add(id);
        }
        return ids;
    }

    private void awaitAllSent(List<MessageId> ids) throws InterruptedException {
        assertEquals(0, results.flush(Duration.ofSeconds(30), () -> {}), "outbox drained");
        for (MessageId id : ids) {
            listener.awaitMessageStates(id, MessageState.SENT);
        }
    }

    private static List<String> labelled(String... texts) {
        List<String> out = new ArrayList<>();
        for (String t : texts) {
            out.add(t.charAt(0) + ":" + t);
        }
        return out;
    }

    @Test
    void dueEntriesAreEncryptedInOneSyncedCommitThenSentInOrderAndRecordedInOneUnsyncedCommit()
            throws Exception {
        String[] texts = {"b1", "c1", "b2", "c2", "b3", "b4", "c3", "b5"};
        List<MessageId> ids = queue(texts);
        commits.clear();
        List<List<String>> commitsAtFirstSend = new CopyOnWriteArrayList<>();
        List<Integer> attemptsAtFirstSend = new CopyOnWriteArrayList<>();
        onSend =
                () -> {
                    if (commitsAtFirstSend.isEmpty()) {
                        commitsAtFirstSend.add(commits.commits());
                        for (OutboxStore.Entry e : outbox.from(0, 100)) {
                            attemptsAtFirstSend.add(e.attempts());
                        }
                    }
                };

        startWorker();
        awaitAllSent(ids);

        // before the first byte left, one synced commit had encrypted all eight
        assertEquals(List.of(List.of(CommitLog.FULL)), commitsAtFirstSend);
        assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1), attemptsAtFirstSend);
        // then one unsynced commit recorded all eight as sent
        assertEquals(List.of(CommitLog.FULL, CommitLog.NORMAL), commits.commits());
        assertEquals(labelled(texts), sends);
        assertEquals(labelled(texts), stored);
        for (MessageId id : ids) {
            assertEquals(MessageState.SENT, listener.statesOf(id).get(0));
        }
    }

    @Test
    void aRefusedSendStopsTheBatchAndTheRestFollowsInOrderEachStoredOnce() throws Exception {
        String[] texts = {"b1", "c1", "b2", "c2", "b3", "b4", "c3", "b5"};
        List<MessageId> ids = queue(texts);
        String b3 = ids.get(4).value();
        // the first send of b3 finds bob's device list changed: his device 1 has a new session
        refuse =
                send -> {
                    if (!send.clientMsgId().equals(b3)
                            || sends.indexOf("b:b3") != sends.size() - 1) {
                        return null;
                    }
                    return new Frame.MismatchedDevices(
                            b3,
                            List.of(
                                    new Frame.DeviceMismatch(
                                            bob.accountId, List.of(), List.of(), List.of(1))));
                };

        startWorker();
        awaitAllSent(ids);

        // b3 is sent again on a fresh session right away; the rest of its batch was never sent and
        // follows in the next batch, each recipient's messages in their order
        assertEquals(
                List.of("b:b1", "c:c1", "b:b2", "c:c2", "b:b3", "b:b3", "b:b4", "c:c3", "b:b5"),
                sends);
        assertEquals(labelled(texts), stored);
        for (MessageId id : ids) {
            assertEquals(List.of(MessageState.SENT), listener.statesOf(id), id.value());
        }
        assertTrue(outbox.from(0, 100).isEmpty());
    }

    @Test
    void aBatchDoesNotPassAnEntryThatIsNotDue() throws Exception {
        List<MessageId> ids = queue("b1", "c1", "b2", "c2");
        // bob's oldest entry waits for a retry: none of bob's may go before it
        long held = System.currentTimeMillis() + 300;
        alice.db.transaction(
                c -> {
                    outbox.recordAttempt(c, outbox.heads().get(0).id(), held, "retry later");
                    return null;
                });

        startWorker();
        awaitAllSent(ids);

        assertEquals(List.of("c:c1", "c:c2", "b:b1", "b:b2"), sends);
    }

    @Test
    void aPipelinedBatchKeepsEachRecipientsOrderThroughARefusalInTheMiddle() throws Exception {
        String[] texts = {"b1", "c1", "b2", "c2", "b3", "b4", "c3", "b5", "c4", "b6"};
        List<MessageId> ids = queue(texts);
        String c2 = ids.get(3).value();
        // the relay refuses c2 once for a reason that depends on time (a rate limit), the kind of
        // refusal after which it may well accept the next envelope of the same recipient
        refuse =
                send -> {
                    if (!send.clientMsgId().equals(c2)
                            || sends.indexOf("c:c2") != sends.size() - 1) {
                        return null;
                    }
                    return new Frame.ErrorFrame(c2, ErrorCode.RATE_LIMITED, "slow down", 20L);
                };
        answerLater = true;

        startWorker();
        awaitAllSent(ids);

        // several envelopes were in flight at once, of one recipient too
        assertTrue(maxInFlight.get() >= 2, "pipelined: " + maxInFlight);
        assertTrue(maxInFlightToOne.get() >= 2, "pipelined to one: " + maxInFlightToOne);
        // what the relay stored, per recipient: every message once, in order
        assertEquals(
                List.of("b:b1", "b:b2", "b:b3", "b:b4", "b:b5", "b:b6"),
                stored.stream().filter(t -> t.startsWith("b:")).toList());
        assertEquals(
                List.of("c:c1", "c:c2", "c:c3", "c:c4"),
                stored.stream().filter(t -> t.startsWith("c:")).toList());
        assertEquals(2, sends.stream().filter("c:c2"::equals).count());
        // c3 and c4 may have left behind c2 and been held: then they were sent again after it
        assertTrue(sends.lastIndexOf("c:c3") > sends.lastIndexOf("c:c2"), sends.toString());
        for (MessageId id : ids) {
            assertEquals(List.of(MessageState.SENT), listener.statesOf(id), id.value());
        }
        assertTrue(outbox.from(0, 100).isEmpty());
    }
}
