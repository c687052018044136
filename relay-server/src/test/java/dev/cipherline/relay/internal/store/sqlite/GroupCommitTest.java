package dev.cipherline.relay.internal.store.sqlite;

import static dev.cipherline.relay.Vectors.ALICE_1;
import static dev.cipherline.relay.Vectors.BOB_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.internal.store.DeviceAddress;
import dev.cipherline.relay.internal.store.QueueEntry;
import dev.cipherline.relay.internal.store.SendOutcome;
import dev.cipherline.relay.internal.store.SendRequest;
import dev.cipherline.relay.internal.store.StoreSettings;
import dev.cipherline.relay.internal.store.UnknownDeviceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches of several writes in one transaction: the writer's executor is held until every write of
 * a test's batch is queued, so they really share one commit.
 */
class GroupCommitTest {
    @TempDir Path dir;

    private final MutableClock clock = StoreFixture.clock();
    private final ArrayDeque<Runnable> writerQueue = new ArrayDeque<>();
    private boolean held = true;
    private final Executor heldWriter =
            task -> {
                if (held) {
                    writerQueue.add(task);
                } else {
                    task.run();
                }
            };
    private SqliteRelayStore store;

    @BeforeEach
    void open() throws Exception {
        store = open(heldWriter);
        store.register(ALICE_1.registration(0));
        store.register(BOB_1.registration(0));
        runWriter();
    }

    @AfterEach
    void close() {
        closeStore();
    }

    /** Closes the store, letting the writer run its last batch (close waits for it). */
    private void closeStore() {
        runWriter();
        held = false;
        store.close();
        held = true;
    }

    private SqliteRelayStore open(Executor writer) throws Exception {
        return SqliteRelayStore.open(
                dir, new StoreSettings(100, Duration.ofDays(30)), 1, clock, writer, Runnable::run);
    }

    private void runWriter() {
        while (!writerQueue.isEmpty()) {
            writerQueue.poll().run();
        }
    }

    private SendRequest send(String clientMsgId) {
        long now = clock.millis();
        Frame.Recipient bob =
                new Frame.Recipient(
                        BOB_1.accountId(),
                        BOB_1.deviceId(),
                        BOB_1.registrationId(),
                        clientMsgId.getBytes(StandardCharsets.UTF_8));
        return new SendRequest(
                ALICE_1.address(), clientMsgId, now, now + 60_000, null, List.of(bob));
    }

    private List<Long> bobsSeqs() {
        return store.read(BOB_1.address(), 0, 100).join().stream().map(QueueEntry::seq).toList();
    }

    @Test
    void aFailingWriteInABatchUndoesNothingElse() {
        CompletableFuture<SendOutcome> first = store.store(send("m1"));
        CompletableFuture<Integer> badAck =
                store.ack(new DeviceAddress(BOB_1.accountId(), 99), List.of(1L));
        CompletableFuture<SendOutcome> second = store.store(send("m2"));
        CompletableFuture<SendOutcome> retry = store.store(send("m1"));
        runWriter();

        assertInstanceOf(SendOutcome.Stored.class, first.join());
        CompletionException failed = assertThrows(CompletionException.class, badAck::join);
        assertInstanceOf(UnknownDeviceException.class, failed.getCause());
        assertInstanceOf(SendOutcome.Stored.class, second.join());
        assertInstanceOf(SendOutcome.Duplicate.class, retry.join());
        // the batch ran twice (without, then with savepoints): seqs were not handed out twice
        assertEquals(List.of(1L, 2L), bobsSeqs());
        assertEquals(2L, store.lastSeq(BOB_1.address()).join());

        store.store(send("m3"));
        runWriter();
        assertEquals(List.of(1L, 2L, 3L), bobsSeqs());
    }

    @Test
    void seqsKeepIncreasingAcrossARestartEvenWhenTheQueueIsEmpty() throws Exception {
        store.store(send("m1"));
        store.store(send("m2"));
        runWriter();
        store.ack(BOB_1.address(), List.of(1L, 2L));
        runWriter();
        assertEquals(List.of(), bobsSeqs());

        closeStore();
        store = open(heldWriter);
        store.store(send("m3"));
        runWriter();
        assertEquals(List.of(3L), bobsSeqs());
    }

    @Test
    void aReRegistrationInTheSameBatchIsSeenByTheSendsAfterIt() {
        CompletableFuture<SendOutcome> before = store.store(send("m1"));
        store.register(BOB_1.registration(0));
        CompletableFuture<SendOutcome> after = store.store(send("m2"));
        runWriter();

        assertInstanceOf(SendOutcome.Stored.class, before.join());
        assertInstanceOf(SendOutcome.Stored.class, after.join());
        // re-registration emptied the queue: only the send after it is there, with the next seq
        assertEquals(List.of(2L), bobsSeqs());
    }
}
