package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Delivered to N of M" and "read by N of M" for group messages, and group unread counts. */
class GroupReadStateRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private final List<ChatClient> open = new ArrayList<>();

    @BeforeEach
    void startRelay() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
    }

    @AfterEach
    void stop() {
        open.forEach(ChatClient::close);
        relay.close();
    }

    private AccountId init(String who) {
        return ChatClient.initialize(dir.resolve(who), relay.url(), who).accountId();
    }

    private ChatClient open(String who, ChatListener listener) {
        ChatClient client = TestRelays.client(dir.resolve(who), relay.url(), listener).build();
        open.add(client);
        return client;
    }

    /**
     * Polls the sender's read state until it is {@code wanted} (receipts arrive asynchronously).
     */
    private static void awaitReadState(ChatClient sender, MessageId id, GroupReadState wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Optional<GroupReadState> now = sender.groups().readState(id);
        while (!now.equals(Optional.of(wanted))) {
            if (System.nanoTime() > deadline) {
                fail("read state of " + id + " is " + now + ", expected " + wanted);
            }
            Thread.sleep(20);
            now = sender.groups().readState(id);
        }
    }

    @Test
    void theSenderSeesDeliveredAndReadCountsAndMembersSeeUnreadCounts() throws Exception {
        AccountId bob = init("bob");
        AccountId carol = init("carol");
        init("alice");
        RecordingListener bobIn = new RecordingListener();
        RecordingListener carolIn = new RecordingListener();
        ChatClient a = open("alice", new RecordingListener());
        ChatClient b = open("bob", bobIn);
        ChatClient c = open("carol", carolIn);
        Group team = a.groups().create("team", List.of(bob, carol));
        bobIn.awaitGroup(g -> g.id().equals(team.id()));
        carolIn.awaitGroup(g -> g.id().equals(team.id()));

        OutgoingMessage first = a.groups().send(a.groups().resolve("team"), "lunch at noon?");
        OutgoingMessage second = a.groups().send(a.groups().resolve("team"), "or one?");
        assertEquals(MessageState.SENT, second.accepted().get(30, TimeUnit.SECONDS));
        bobIn.awaitMessages(2);
        carolIn.awaitMessages(2);

        awaitReadState(a, first.id(), new GroupReadState(2, 0, 2));
        assertEquals(
                "delivered to 2 of 2", a.groups().readState(first.id()).orElseThrow().toString());
        assertEquals(2, b.groups().unreadCount(team.id()));
        assertEquals(Optional.empty(), b.groups().readState(first.id()), "not bob's message");

        assertEquals(2, b.groups().markRead(team.id()));
        assertEquals(0, b.groups().unreadCount(team.id()));
        assertEquals(0, b.groups().markRead(team.id()), "nothing new");
        awaitReadState(a, second.id(), new GroupReadState(2, 1, 2));
        awaitReadState(a, first.id(), new GroupReadState(2, 1, 2));
        assertEquals("read by 1 of 2", a.groups().readState(first.id()).orElseThrow().toString());

        c.groups().markRead(team.id());
        awaitReadState(a, first.id(), new GroupReadState(2, 2, 2));
        assertEquals(
                MessageState.READ,
                b.groups().history(team.id(), 1, null).get(0).state(),
                "bob's copy is marked read");
        assertTrue(b.history().page(a.whoami().accountId(), 10, null).isEmpty(), "no 1:1 rows");
    }
}
