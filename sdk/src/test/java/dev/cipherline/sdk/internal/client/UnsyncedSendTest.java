package dev.cipherline.sdk.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.crypto.SealedPayload;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.RecordingListener;
import dev.cipherline.sdk.internal.LocalDevice;
import dev.cipherline.sdk.internal.TestDevice;
import dev.cipherline.sdk.internal.app.Events;
import dev.cipherline.sdk.internal.app.OutboxResults;
import dev.cipherline.sdk.internal.app.OutgoingHandle;
import dev.cipherline.sdk.internal.group.Groups;
import dev.cipherline.sdk.internal.outbound.SendQueue;
import dev.cipherline.sdk.internal.store.CommitLog;
import dev.cipherline.sdk.internal.store.GroupStore;
import dev.cipherline.sdk.internal.store.MessageStore;
import dev.cipherline.sdk.internal.store.OutboxStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queuing a message the app sends commits without a sync of its own (nothing has left the device
 * yet), and the next synced commit is again synced.
 */
class UnsyncedSendTest {
    @TempDir Path dir;

    private TestDevice alice;
    private TestDevice bob;
    private MessageStore messages;
    private OutboxStore outbox;
    private CommitLog commits;

    @BeforeEach
    void setUp() {
        alice = new TestDevice(dir.resolve("alice"));
        bob = new TestDevice(dir.resolve("bob"));
        messages = new MessageStore(alice.db);
        outbox = new OutboxStore(alice.db);
        commits = CommitLog.of(alice.db);
    }

    @AfterEach
    void tearDown() {
        alice.close();
        bob.close();
    }

    @Test
    void aMessageToOneAccountIsQueuedInOneUnsyncedCommit() throws Exception {
        SendQueue queue = new SendQueue(alice.db, messages, outbox, alice.accountId, 1);
        MessageId id = MessageId.random();

        long row = queue.add(bob.accountId, id, "hello", System.currentTimeMillis(), false);

        assertEquals(List.of(CommitLog.NORMAL), commits.commits());
        assertEquals(MessageState.PENDING, messages.state(row));
        OutboxStore.Entry entry = outbox.heads().get(0);
        assertEquals(id.value(), entry.clientMsgId());
        assertEquals(row, entry.messageRowId());
        SealedPayload.Header header = SealedPayload.open(entry.sealed()).header();
        assertEquals(bob.accountId, header.recipient());
        assertEquals(id.value(), header.clientMsgId());

        // the commit that precedes sending is synced, and syncs the queued message with it
        alice.db.transaction(
                c -> {
                    outbox.recordAttempt(c, entry.id(), 0, null);
                    return null;
                });
        assertEquals(List.of(CommitLog.NORMAL, CommitLog.FULL), commits.commits());
    }

    @Test
    void aGroupMessageIsQueuedInOneUnsyncedCommit() {
        Groups groups =
                new Groups(
                        alice.db,
                        new GroupStore(alice.db),
                        messages,
                        outbox,
                        new GroupCrypto(alice.store),
                        new LocalDevice(alice.accountId, 1),
                        Clock.systemUTC());
        Group group = groups.create("team", List.of(bob.accountId));
        int queuedBefore = outbox.size();
        commits.clear();
        RecordingListener listener = new RecordingListener();
        Events events = new Events(listener);
        try {
            OutboxResults results = new OutboxResults(alice.db, outbox, messages, events);
            OutgoingHandle handle = groups.send(group.id().value(), "hi team", results);

            assertEquals(List.of(CommitLog.NORMAL), commits.commits());
            assertEquals(MessageState.PENDING, handle.state());
            // the message and, in the same commit, this device's sender key for bob
            assertEquals(queuedBefore + 2, outbox.size());
        } finally {
            events.close();
        }
    }
}
