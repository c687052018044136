package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupReadState;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty SDK clients in one group through a real relay process: each message once, per-sender order,
 * the sender's read state from every member's receipt, a member offline during a membership change
 * catching up, and removal cutting the removed member off.
 */
class GroupFanOutIT {
    private static final int MEMBERS = 50;
    private static final int EACH = 2;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir Path dir;

    private RelayProcess relay;
    private final List<ChatClient> clients = new ArrayList<>();
    private final List<RecordingListener> inboxes = new ArrayList<>();
    private final List<AccountId> ids = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        relay = RelayProcess.start(dir.resolve("relay"));
        for (int i = 0; i < MEMBERS; i++) {
            Path home = dir.resolve("m" + i);
            ids.add(Accounts.create(home, relay.url(), "m" + i).accountId());
            RecordingListener inbox = new RecordingListener();
            inboxes.add(inbox);
            clients.add(Accounts.open(home, inbox));
        }
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(ChatClient::close);
        relay.close();
    }

    @Test
    void everyMemberGetsEveryMessageOnceInEachSendersOrderAndRemovalCutsOff() throws Exception {
        Group group = clients.get(0).groups().create("fifty", ids.subList(1, MEMBERS));
        for (int i = 1; i < MEMBERS; i++) {
            inboxes.get(i).awaitGroup(g -> g.id().equals(group.id()), WAIT);
        }

        List<OutgoingMessage> sent = new ArrayList<>();
        for (int round = 0; round < EACH; round++) {
            for (int i = 0; i < MEMBERS; i++) {
                sent.add(clients.get(i).groups().send(group.id(), "m" + i + ":" + round));
            }
        }
        for (OutgoingMessage m : sent) {
            assertEquals(MessageState.SENT, m.accepted().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }

        int expected = (MEMBERS - 1) * EACH;
        for (int i = 0; i < MEMBERS; i++) {
            List<IncomingMessage> received = inboxes.get(i).awaitMessages(expected, WAIT);
            assertEquals(
                    expected,
                    new HashSet<>(received.stream().map(IncomingMessage::id).toList()).size(),
                    "member " + i + " got each message once");
            Map<AccountId, List<String>> bySender = new HashMap<>();
            for (IncomingMessage m : received) {
                assertEquals(group.id(), m.group());
                bySender.computeIfAbsent(m.from(), k -> new ArrayList<>()).add(m.text());
            }
            assertEquals(MEMBERS - 1, bySender.size());
            assertFalse(bySender.containsKey(ids.get(i)));
            for (int s = 0; s < MEMBERS; s++) {
                if (s != i) {
                    List<String> order = new ArrayList<>();
                    for (int round = 0; round < EACH; round++) {
                        order.add("m" + s + ":" + round);
                    }
                    assertEquals(order, bySender.get(ids.get(s)), "order of sender " + s);
                }
            }
            assertEquals(List.of(), inboxes.get(i).errors(), "member " + i);
        }

        // every member's delivery receipt reaches the sender: its read state counts all of them
        MessageId first = sent.get(0).id();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (clients.get(0).groups().readState(first).orElseThrow().delivered() < MEMBERS - 1) {
            assertTrue(System.nanoTime() < deadline, "delivery receipts of every member");
            Thread.sleep(100);
        }
        assertEquals(
                new GroupReadState(MEMBERS - 1, 0, MEMBERS - 1),
                clients.get(0).groups().readState(first).orElseThrow());

        // one member is offline during the membership change and catches up afterwards
        int offline = MEMBERS - 2;
        clients.get(offline).close();

        // the last member is removed; what follows reaches everyone else and not it
        int removed = MEMBERS - 1;
        clients.get(0).groups().removeMembers(group.id(), List.of(ids.get(removed)));
        assertFalse(
                inboxes.get(removed).awaitGroup(g -> g.epoch() == 2, WAIT).active(),
                "the removed member learns it");
        OutgoingMessage after = clients.get(0).groups().send(group.id(), "after the removal");
        assertEquals(MessageState.SENT, after.accepted().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        for (int i = 1; i < removed; i++) {
            if (i != offline) {
                assertEquals(
                        "after the removal", inboxes.get(i).awaitMessages(1, WAIT).get(0).text());
            }
        }
        RecordingListener back = new RecordingListener();
        clients.set(offline, Accounts.open(dir.resolve("m" + offline), back));
        Group caughtUp = back.awaitGroup(g -> g.epoch() == 2, WAIT);
        assertTrue(caughtUp.active());
        assertFalse(caughtUp.members().contains(ids.get(removed)));
        assertEquals("after the removal", back.awaitMessages(1, WAIT).get(0).text());
        assertEquals(List.of(), back.errors(), "the member that was offline");
        assertEquals(List.of(), inboxes.get(removed).drain());
        assertTrue(inboxes.get(removed).errors().isEmpty());
    }
}
