package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history API over real conversations: paging both ways, search, delete, failure reasons. */
class HistoryRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private AccountInfo alice;
    private AccountInfo bob;
    private AccountInfo carol;

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
        carol = ChatClient.initialize(dir.resolve("carol"), relay.url(), "carol");
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private ChatClient open(String who, ChatListener listener, URI relayUrl) {
        return TestRelays.client(dir.resolve(who), relayUrl, listener).build();
    }

    private static List<String> texts(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::text).toList();
    }

    @Test
    void pagesGoBothWaysAndSearchMatchesDecryptedTextIgnoringCase() throws Exception {
        RecordingListener bobEvents = new RecordingListener();
        RecordingListener carolEvents = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener(), relay.url());
                ChatClient b = open("bob", bobEvents, relay.url());
                ChatClient c = open("carol", carolEvents, relay.url())) {
            List<MessageId> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                OutgoingMessage m = a.send(bob.accountId(), "Lunch plan " + i);
                m.accepted().get(30, TimeUnit.SECONDS);
                ids.add(m.id());
            }
            a.send(carol.accountId(), "no LUNCH for carol").accepted().get(30, TimeUnit.SECONDS);
            bobEvents.awaitMessages(6);
            carolEvents.awaitMessages(1);

            assertEquals(
                    List.of("Lunch plan 5", "Lunch plan 4"),
                    texts(a.history().page(bob.accountId(), 2, null)));
            assertEquals(
                    List.of("Lunch plan 2", "Lunch plan 1"),
                    texts(a.history().page(bob.accountId(), 2, ids.get(3))));
            assertEquals(
                    List.of("Lunch plan 2", "Lunch plan 3", "Lunch plan 4"),
                    texts(a.history().after(bob.accountId(), ids.get(1), 3)));
            assertEquals(List.of(), a.history().after(bob.accountId(), ids.get(5), 3));
            assertEquals(
                    List.of(),
                    a.history().after(carol.accountId(), ids.get(1), 3),
                    "an anchor from another conversation");

            assertEquals(
                    List.of("Lunch plan 3"),
                    texts(a.history().search(bob.accountId(), "PLAN 3", 10)));
            assertEquals(
                    List.of("no LUNCH for carol", "Lunch plan 5", "Lunch plan 4"),
                    texts(a.history().search(null, "lunch", 3)));
            assertEquals(7, a.history().search(null, "lunch", 100).size());
            assertEquals(
                    6, b.history().search(alice.accountId(), "lunch", 100).size(), "incoming too");
            assertEquals(List.of(), a.history().search(null, "dinner", 10));
            assertEquals(
                    ChatException.Reason.INVALID_ARGUMENT,
                    assertThrows(ChatException.class, () -> a.history().search(null, "  ", 10))
                            .reason());
        }
    }

    @Test
    void deletingAMessageOrAConversationKeepsUnreadCountsRight() throws Exception {
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener(), relay.url());
                ChatClient b = open("bob", bobEvents, relay.url())) {
            List<MessageId> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                OutgoingMessage m = a.send(bob.accountId(), "m" + i);
                m.accepted().get(30, TimeUnit.SECONDS);
                ids.add(m.id());
            }
            bobEvents.awaitMessages(3);
            assertEquals(3, b.conversations().get(0).unreadCount());

            assertTrue(b.history().delete(alice.accountId(), ids.get(1)));
            assertFalse(b.history().delete(alice.accountId(), ids.get(1)), "already gone");
            assertEquals(List.of("m2", "m0"), texts(b.history().page(alice.accountId(), 10, null)));
            assertEquals(2, b.conversations().get(0).unreadCount());

            b.markRead(alice.accountId());
            assertTrue(b.history().delete(alice.accountId(), ids.get(0)));
            assertEquals(0, b.conversations().get(0).unreadCount(), "a read one was not unread");

            assertEquals(1, b.history().deleteConversation(alice.accountId()));
            assertEquals(List.of(), b.history().page(alice.accountId(), 10, null));
            assertEquals(List.of(), b.conversations());

            // the conversation starts afresh; alice's side is untouched
            a.send(bob.accountId(), "again").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("again", bobEvents.awaitMessages(1).get(0).text());
            assertEquals(1, b.conversations().get(0).unreadCount());
            assertEquals(4, a.history().page(bob.accountId(), 10, null).size());
        }
    }

    @Test
    void aPendingMessageThatIsDeletedIsNeverSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OutgoingMessage pending;
        try (ChatClient a =
                open(
                        "alice",
                        new RecordingListener(),
                        URI.create("http://127.0.0.1:" + closedPort))) {
            pending = a.send(bob.accountId(), "never mind");
            assertTrue(a.history().delete(bob.accountId(), pending.id()));
            ExecutionException e =
                    assertThrows(
                            ExecutionException.class,
                            () -> pending.accepted().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("deleted"), e.getCause().getMessage());
        }
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener(), relay.url());
                ChatClient b = open("bob", bobEvents, relay.url())) {
            a.send(bob.accountId(), "this one").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("this one", bobEvents.awaitMessages(1).get(0).text());
            assertEquals(List.of(), bobEvents.drainMessages());
        }
    }

    @Test
    void aFailedMessageKeepsItsReason() throws Exception {
        RecordingListener events = new RecordingListener();
        try (ChatClient a = open("alice", events, relay.url())) {
            // an account ID no relay knows
            OutgoingMessage m = a.send(new AccountId("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), "hello?");
            assertThrows(ExecutionException.class, () -> m.accepted().get(30, TimeUnit.SECONDS));
            events.awaitMessageStates(m.id(), MessageState.FAILED);
            StoredMessage stored =
                    a.history()
                            .page(new AccountId("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), 1, null)
                            .get(0);
            assertEquals(MessageState.FAILED, stored.state());
            assertTrue(stored.failure().contains("knows no account"), stored.failure());
            assertEquals(m.id().value() + ": " + stored.failure(), events.awaitFailure());
        }
    }
}
