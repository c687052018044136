package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages that expire at a real relay before the recipient's device fetched them: the sender sees
 * {@link MessageState#EXPIRED} (listener and history), the recipient's device a note when it comes
 * online; a message another device of the recipient stored stays {@code DELIVERED}. The relay
 * grants envelopes a few seconds and sweeps often, so that they expire while the test waits for
 * events.
 */
class ExpiryRelayTest {
    private static final Duration SHORT_EXPIRY = Duration.ofSeconds(4);

    @TempDir Path dir;

    private RelayServer relay;

    @BeforeEach
    void startRelay() throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        SHORT_EXPIRY,
                                        100_000,
                                        64)
                                .withOperations(
                                        Operations.EMBEDDED.withSweepInterval(
                                                Duration.ofMillis(50))),
                        Clock.systemUTC());
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private ChatClient open(String home, ChatListener listener) {
        return TestRelays.client(dir.resolve(home), relay.url(), listener).build();
    }

    @Test
    void theSenderSeesExpiredAndTheRecipientANoteWhenItComesOnline() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");

        RecordingListener aliceEvents = new RecordingListener();
        MessageId lost;
        try (ChatClient a = open("alice", aliceEvents)) {
            a.synced().get(30, TimeUnit.SECONDS);
            OutgoingMessage hi = a.send(bob.accountId(), "hi bob");
            lost = hi.id();
            assertEquals(MessageState.SENT, hi.accepted().get(30, TimeUnit.SECONDS));
            // bob stays offline: the relay drops it and tells alice's device at once
            aliceEvents.awaitMessageStates(lost, MessageState.SENT, MessageState.EXPIRED);
        }
        // kept across a restart, in the history
        try (ChatClient a = open("alice", new RecordingListener())) {
            StoredMessage stored = a.history().page(bob.accountId(), 1, null).get(0);
            assertEquals(lost, stored.id());
            assertEquals(MessageState.EXPIRED, stored.state());
        }

        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient b = open("bob", bobEvents)) {
            b.contacts().add("alice", alice.accountId());
            b.synced().get(30, TimeUnit.SECONDS);
            Note note = bobEvents.awaitNote(alice.accountId());
            assertEquals(NoteKind.MESSAGES_EXPIRED, note.kind());
            assertEquals(alice.accountId(), note.about());
            assertEquals(1, note.count());
            assertEquals(
                    "1 message from alice expired before this device came online", note.text());
            assertEquals(0, bobEvents.untakenMessages(), "the message itself never arrives");
            List<StoredMessage> history = b.history().page(alice.accountId(), 10, null);
            assertEquals(1, history.size());
            assertEquals(Direction.NOTE, history.get(0).direction());
            assertEquals(note, history.get(0).note());
            assertEquals(0, b.conversations().get(0).unreadCount(), "a note is never unread");
        }
        // acknowledged: not written again on the next start
        RecordingListener again = new RecordingListener();
        try (ChatClient b = open("bob", again)) {
            b.synced().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), again.drainNotes());
            assertEquals(1, b.history().page(alice.accountId(), 10, null).size());
        }
    }

    @Test
    void aMessageOneDeviceOfTheRecipientStoredStaysDeliveredWhileTheOtherGetsTheNote()
            throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        try (ChatClient b1 = open("b1", new RecordingListener())) {
            b1.synced().get(30, TimeUnit.SECONDS);
            assertEquals(2, OwnDevices.link(b1, dir.resolve("b2"), relay.url(), "b2").deviceId());
        }

        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        MessageId hi;
        MessageId again;
        try (ChatClient a1 = open("a1", aliceEvents)) {
            try (ChatClient b1 = open("b1", b1Events)) {
                a1.synced().get(30, TimeUnit.SECONDS);
                b1.synced().get(30, TimeUnit.SECONDS);
                hi = a1.send(bob.accountId(), "hi bob").id();
                assertEquals("hi bob", b1Events.awaitMessages(1).get(0).text());
                aliceEvents.awaitMessageStates(hi, MessageState.SENT, MessageState.DELIVERED);
            }
            // with both of bob's devices offline, the next one expires for both: once alice sees
            // that, the relay has also swept b2's copy of the first, which expired before
            again = a1.send(bob.accountId(), "are you there?").id();
            aliceEvents.awaitMessageStates(again, MessageState.SENT, MessageState.EXPIRED);
        }
        assertEquals(
                List.of(MessageState.SENT, MessageState.DELIVERED),
                aliceEvents.statesOf(hi),
                "b1 stored it: b2's expired copy does not make it EXPIRED");

        // b2 was never online: both expired there; b1 missed only the second
        RecordingListener b2Events = new RecordingListener();
        try (ChatClient b2 = open("b2", b2Events)) {
            Note note = b2Events.awaitNote(alice.accountId());
            assertEquals(NoteKind.MESSAGES_EXPIRED, note.kind());
            assertEquals(2, note.count());
            assertTrue(note.text().startsWith("2 messages from "), note.text());
            assertEquals(0, b2Events.untakenMessages());
        }
        RecordingListener b1Later = new RecordingListener();
        try (ChatClient b1 = open("b1", b1Later)) {
            assertEquals(1, b1Later.awaitNote(alice.accountId()).count());
            List<StoredMessage> history = b1.history().page(alice.accountId(), 10, null);
            assertEquals(
                    List.of(Direction.NOTE, Direction.INCOMING),
                    history.stream().map(StoredMessage::direction).toList());
        }
        try (ChatClient a1 = open("a1", new RecordingListener())) {
            List<StoredMessage> history = a1.history().page(bob.accountId(), 10, null);
            assertEquals(
                    List.of(MessageState.EXPIRED, MessageState.DELIVERED),
                    history.stream().map(StoredMessage::state).toList());
        }
    }
}
