package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two real clients through a real relay started in this process. */
class ChatClientRelayTest {
    @TempDir Path dir;

    private RelayServer relay;

    @BeforeEach
    void startRelay() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    private ChatClient open(String who, ChatListener listener) {
        return open(who, null, listener);
    }

    private ChatClient open(String who, URI relayOverride, ChatListener listener) {
        ChatClient.Builder builder =
                ChatClient.builder()
                        .home(dir.resolve(who))
                        .listener(listener)
                        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
        if (relayOverride != null) {
            builder.relayUrl(relayOverride);
        }
        return builder.build();
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            texts.add(prefix + "-" + i);
        }
        return texts;
    }

    @Test
    void anOfflineRecipientReceivesEveryMessageOnceAndInOrder() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), null);
        assertTrue(ChatClient.isInitialized(dir.resolve("alice")));
        List<String> texts = numbered("hello bob", 30);

        try (ChatClient sender = open("alice", new RecordingListener())) {
            sender.contacts().add("bob", bob.accountId());
            List<OutgoingMessage> sent = new ArrayList<>();
            for (String text : texts) {
                sent.add(sender.send(sender.contacts().resolve("bob"), text));
            }
            for (OutgoingMessage m : sent) {
                assertEquals(MessageState.SENT, m.accepted().get(30, TimeUnit.SECONDS));
                assertEquals(MessageState.SENT, m.state());
            }
            assertEquals(0, sender.flush(Duration.ofSeconds(1)));
            List<StoredMessage> history = sender.history().page(bob.accountId(), 5, null);
            assertEquals(texts.get(29), history.get(0).text());
            assertEquals(Direction.OUTGOING, history.get(0).direction());
            assertEquals(MessageState.SENT, history.get(0).state());
            List<StoredMessage> older =
                    sender.history().page(bob.accountId(), 5, history.get(4).id());
            assertEquals(texts.get(24), older.get(0).text());
        }

        RecordingListener inbox = new RecordingListener();
        try (ChatClient receiver = open("bob", inbox)) {
            List<IncomingMessage> received = inbox.awaitMessages(texts.size());
            receiver.synced().get(30, TimeUnit.SECONDS);
            assertEquals(texts, received.stream().map(IncomingMessage::text).toList());
            assertTrue(received.stream().allMatch(m -> m.from().equals(alice.accountId())));
            assertEquals(1, received.get(0).fromDevice());
            assertEquals(
                    List.of(
                            new Conversation(
                                    alice.accountId(),
                                    null,
                                    received.get(29).receivedAt(),
                                    30,
                                    null)),
                    receiver.conversations());

            // and the answer travels back on the session bob's first message completed
            OutgoingMessage reply = receiver.send(alice.accountId(), "hi alice");
            assertEquals(MessageState.SENT, reply.accepted().get(30, TimeUnit.SECONDS));
        }

        RecordingListener again = new RecordingListener();
        try (ChatClient receiver = open("bob", again)) {
            receiver.synced().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), again.drainMessages());
            assertEquals(List.of(), again.drainErrors());
        }

        RecordingListener aliceInbox = new RecordingListener();
        try (ChatClient sender = open("alice", aliceInbox)) {
            assertEquals("hi alice", aliceInbox.awaitMessages(1).get(0).text());
        }
    }

    @Test
    void aMessageQueuedWhileTheRelayIsUnreachableIsSentAfterARestart() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");

        MessageId id;
        URI nowhere = URI.create("http://127.0.0.1:9");
        try (ChatClient offline = open("alice", nowhere, new RecordingListener())) {
            OutgoingMessage m = offline.send(bob.accountId(), "survives a restart");
            id = m.id();
            assertEquals(MessageState.PENDING, m.state());
            assertEquals(1, offline.flush(Duration.ofMillis(200)));
        }

        try (ChatClient online = open("alice", new RecordingListener())) {
            assertEquals(0, online.flush(Duration.ofSeconds(30)));
            assertEquals(
                    MessageState.SENT,
                    online.history().page(bob.accountId(), 1, null).get(0).state());
        }

        RecordingListener inbox = new RecordingListener();
        try (ChatClient receiver = open("bob", inbox)) {
            IncomingMessage m = inbox.awaitMessages(1).get(0);
            assertEquals(id, m.id());
            assertEquals("survives a restart", m.text());
            receiver.synced().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), inbox.drainMessages());
        }
    }

    @Test
    void aMessageToAnUnknownAccountFails() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountId nobody = AccountId.parse("aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa-aaaa");
        try (ChatClient client = open("alice", new RecordingListener())) {
            OutgoingMessage m = client.send(nobody, "anyone there?");
            ExecutionException e =
                    assertThrows(
                            ExecutionException.class, () -> m.accepted().get(30, TimeUnit.SECONDS));
            assertEquals(ChatException.Reason.REJECTED, ((ChatException) e.getCause()).reason());
            assertEquals(MessageState.FAILED, m.state());
            assertEquals(
                    MessageState.FAILED, client.history().page(nobody, 1, null).get(0).state());
        }
    }

    @Test
    void initializeRefusesAnInitializedHomeAndAnUnreachableRelay() {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), null);
        ChatException again =
                assertThrows(
                        ChatException.class,
                        () -> ChatClient.initialize(dir.resolve("alice"), relay.url(), null));
        assertEquals(ChatException.Reason.ALREADY_INITIALIZED, again.reason());

        ChatException unreachable =
                assertThrows(
                        ChatException.class,
                        () ->
                                ChatClient.initialize(
                                        dir.resolve("carol"),
                                        URI.create("http://127.0.0.1:9"),
                                        null));
        assertEquals(ChatException.Reason.RELAY_UNREACHABLE, unreachable.reason());
        assertTrue(!ChatClient.isInitialized(dir.resolve("carol")));

        ChatException notInitialized =
                assertThrows(
                        ChatException.class,
                        () -> ChatClient.builder().home(dir.resolve("dave")).build());
        assertEquals(ChatException.Reason.NOT_INITIALIZED, notInitialized.reason());
    }

    @Test
    void aClientThatDoesNotHandOverMessagesLeavesThemForTheNextOne() throws Exception {
        ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), null);
        try (ChatClient sender = open("alice", new RecordingListener())) {
            assertEquals(
                    MessageState.SENT,
                    sender.send(bob.accountId(), "while you were sending")
                            .accepted()
                            .get(30, TimeUnit.SECONDS));
        }

        RecordingListener sendOnly = new RecordingListener();
        try (ChatClient busy =
                ChatClient.builder()
                        .home(dir.resolve("bob"))
                        .listener(sendOnly)
                        .handOverMessages(false)
                        .build()) {
            busy.synced().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), sendOnly.drainMessages());
        }

        RecordingListener reader = new RecordingListener();
        try (ChatClient receiver = open("bob", reader)) {
            assertEquals("while you were sending", reader.awaitMessages(1).get(0).text());
            receiver.synced().get(30, TimeUnit.SECONDS);
        }
    }
}
