package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts, unread state and typing indicators between real clients through a real relay. */
class ReceiptsRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;

    private RelayServer relay;
    private AccountInfo alice;
    private AccountInfo bob;

    @BeforeEach
    void setUp() throws Exception {
        relay = startRelay();
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private RelayServer startRelay() throws Exception {
        return TestRelays.start(dir.resolve("relay"));
    }

    /** Opens a client on the current relay (its port changes when the relay restarts). */
    private ChatClient open(String who, ChatListener listener) {
        return ChatClient.builder()
                .home(dir.resolve(who))
                .relayUrl(relay.url())
                .listener(listener)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }

    private static MessageId sent(ChatClient client, AccountId to, String text) throws Exception {
        OutgoingMessage m = client.send(to, text);
        assertEquals(MessageState.SENT, m.accepted().get(30, TimeUnit.SECONDS));
        return m.id();
    }

    @Test
    void everyStateReachesTheSenderOnceAndInOrder() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a = open("alice", aliceEvents)) {
            List<MessageId> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(sent(a, bob.accountId(), "hello " + i));
            }
            for (MessageId id : ids) {
                aliceEvents.awaitMessageStates(id, MessageState.SENT);
            }

            try (ChatClient b = open("bob", bobEvents)) {
                List<IncomingMessage> received = bobEvents.awaitMessages(3);
                for (MessageId id : ids) {
                    aliceEvents.awaitMessageStates(id, MessageState.SENT, MessageState.DELIVERED);
                }
                assertEquals(
                        MessageState.DELIVERED,
                        a.history().page(bob.accountId(), 1, null).get(0).state());

                assertEquals(3, b.markRead(alice.accountId()));
                for (MessageId id : ids) {
                    aliceEvents.awaitMessageStates(
                            id, MessageState.SENT, MessageState.DELIVERED, MessageState.READ);
                }
                assertEquals(0, b.markRead(alice.accountId()), "nothing new to mark");
                assertEquals(0, b.flush(WAIT));
                for (StoredMessage m : b.history().page(alice.accountId(), 10, null)) {
                    assertEquals(MessageState.READ, m.state(), "incoming, marked read");
                }
                Conversation withAlice = b.conversations().get(0);
                assertEquals(0, withAlice.unreadCount());
                assertEquals(received.get(2).id(), withAlice.readUpTo());

                // a round trip after the second markRead: no receipt was sent again, and receipts
                // themselves are neither shown as messages nor answered with receipts
                MessageId reply = sent(b, alice.accountId(), "read them");
                assertEquals("read them", aliceEvents.awaitMessages(1).get(0).text());
                bobEvents.awaitMessageStates(reply, MessageState.SENT, MessageState.DELIVERED);
                assertEquals(0, a.flush(WAIT));
                for (MessageId id : ids) {
                    assertEquals(
                            List.of(MessageState.SENT, MessageState.DELIVERED, MessageState.READ),
                            aliceEvents.statesOf(id));
                }
                assertEquals(List.of(), bobEvents.drainMessages());
                assertEquals(4, a.history().page(bob.accountId(), 10, null).size());
                assertEquals(4, b.history().page(alice.accountId(), 10, null).size());
                assertEquals(List.of(), aliceEvents.drainErrors());
                assertEquals(List.of(), bobEvents.drainErrors());
            }
        }
    }

    @Test
    void receiptsCrossARelayRestartAndStatesSurviveAClientRestart() throws Exception {
        MessageId id;
        try (ChatClient a = open("alice", new RecordingListener())) {
            id = sent(a, bob.accountId(), "while you were out");
        }

        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient b = open("bob", bobEvents)) {
            assertEquals(id, bobEvents.awaitMessages(1).get(0).id());
            assertEquals(1, b.markRead(alice.accountId()));
            assertEquals(0, b.flush(WAIT), "both receipts accepted by the relay");
        }

        relay.close();
        relay = startRelay();

        RecordingListener aliceEvents = new RecordingListener();
        try (ChatClient a = open("alice", aliceEvents)) {
            aliceEvents.awaitMessageStates(id, MessageState.DELIVERED, MessageState.READ);
            a.synced().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), aliceEvents.drainMessages(), "receipts are not messages");
        }

        // no listener, no relay needed: the state was stored
        relay.close();
        try (ChatClient a = ChatClient.builder().home(dir.resolve("alice")).build()) {
            StoredMessage stored = a.history().page(bob.accountId(), 1, null).get(0);
            assertEquals(id, stored.id());
            assertEquals(MessageState.READ, stored.state());
        }
        relay = startRelay();
    }

    @Test
    void unreadCountsAndTheReadWatermarkFollowEveryConversation() throws Exception {
        AccountInfo carol = ChatClient.initialize(dir.resolve("carol"), relay.url(), "carol");
        try (ChatClient a = open("alice", new RecordingListener());
                ChatClient c = open("carol", new RecordingListener())) {
            sent(a, bob.accountId(), "one");
            sent(a, bob.accountId(), "two");
            sent(c, bob.accountId(), "from carol");
        }

        RecordingListener bobEvents = new RecordingListener();
        List<IncomingMessage> received;
        try (ChatClient b = open("bob", bobEvents)) {
            b.contacts().add("alice", alice.accountId());
            received = bobEvents.awaitMessages(3);
            b.synced().get(30, TimeUnit.SECONDS);
            List<Conversation> list = b.conversations();
            assertEquals(List.of(carol.accountId(), alice.accountId()), peers(list));
            assertEquals(1, list.get(0).unreadCount());
            assertEquals(2, list.get(1).unreadCount());
            assertEquals("alice", list.get(1).contactName());
            assertNull(list.get(1).readUpTo());

            assertEquals(2, b.markRead(alice.accountId()));
            list = b.conversations();
            assertEquals(1, list.get(0).unreadCount(), "carol's conversation is untouched");
            assertEquals(0, list.get(1).unreadCount());
            assertEquals(received.get(1).id(), list.get(1).readUpTo());

            // a reply is activity but nothing unread
            sent(b, alice.accountId(), "got them");
            list = b.conversations();
            assertEquals(alice.accountId(), list.get(0).peer());
            assertEquals(0, list.get(0).unreadCount());
        }

        try (ChatClient a = open("alice", new RecordingListener())) {
            sent(a, bob.accountId(), "three");
        }
        bobEvents = new RecordingListener();
        try (ChatClient b = open("bob", bobEvents)) {
            bobEvents.awaitMessages(1);
            Conversation withAlice = b.conversations().get(0);
            assertEquals(
                    1, withAlice.unreadCount(), "counted after the watermark, across restarts");
            assertEquals(received.get(1).id(), withAlice.readUpTo());
            assertEquals(1, b.conversations().get(1).unreadCount());
        }
    }

    @Test
    void typingReachesOnlyConnectedDevicesAndIsNeverStored() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a = open("alice", aliceEvents)) {
            try (ChatClient b = open("bob", bobEvents)) {
                b.synced().get(30, TimeUnit.SECONDS);
                MessageId hi = sent(a, bob.accountId(), "hi");
                bobEvents.awaitMessages(1);
                aliceEvents.awaitMessageStates(hi, MessageState.SENT, MessageState.DELIVERED);
                assertEquals(0, b.flush(WAIT));
                long accepted = relayCount("accepted_sends");
                long queued = relayCount("queue");

                a.sendTyping(bob.accountId(), true);
                bobEvents.awaitTyping(alice.accountId(), true);
                b.sendTyping(alice.accountId(), true);
                aliceEvents.awaitTyping(bob.accountId(), true);
                a.sendTyping(bob.accountId(), false);
                bobEvents.awaitTyping(alice.accountId(), false);

                // acks may still be deleting the receipt's entry; nothing may be added
                assertEquals(accepted, relayCount("accepted_sends"), "no send was recorded");
                assertTrue(relayCount("queue") <= queued, "nothing was queued");
                assertEquals(1, b.history().page(alice.accountId(), 10, null).size());
                assertEquals(1, b.conversations().get(0).unreadCount());
            }

            // bob is gone: the relay drops the indicator, and the ratchet step it cost alice
            // does not break the session for the next message
            a.sendTyping(bob.accountId(), true);
            sent(a, bob.accountId(), "still there?");
        }

        bobEvents = new RecordingListener();
        try (ChatClient b = open("bob", bobEvents)) {
            assertEquals("still there?", bobEvents.awaitMessages(1).get(0).text());
            b.synced().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), bobEvents.drainTypings());
            assertEquals(List.of(), bobEvents.drainErrors());
            assertEquals(2, b.history().page(alice.accountId(), 10, null).size());
        }
    }

    private static List<AccountId> peers(List<Conversation> list) {
        return list.stream().map(Conversation::peer).toList();
    }

    /** Rows in one of the relay's tables. */
    private long relayCount(String table) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("relay").resolve("relay.db");
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
