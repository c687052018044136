package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups of real clients through a real relay started in this process. */
class GroupsRelayTest {
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
        ChatClient client =
                ChatClient.builder()
                        .home(dir.resolve(who))
                        .listener(listener)
                        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .build();
        open.add(client);
        return client;
    }

    private static void accepted(OutgoingMessage m) throws Exception {
        assertEquals(MessageState.SENT, m.accepted().get(30, TimeUnit.SECONDS));
    }

    /** The texts of {@code received} per sender, in arrival order. */
    private static Map<AccountId, List<String>> bySender(List<IncomingMessage> received) {
        Map<AccountId, List<String>> out = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        for (IncomingMessage m : received) {
            out.computeIfAbsent(m.from(), k -> new ArrayList<>()).add(m.text());
        }
        return out;
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void threeMembersReceiveEveryMessageOnceInEachSendersOrder() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        AccountId carol = init("carol");
        RecordingListener aliceIn = new RecordingListener();
        RecordingListener bobIn = new RecordingListener();
        RecordingListener carolIn = new RecordingListener();
        ChatClient a = open("alice", aliceIn);
        ChatClient b = open("bob", bobIn);
        ChatClient c = open("carol", carolIn);

        Group created = a.groups().create("friends", List.of(bob, carol));
        assertEquals(1, created.epoch());
        assertEquals(alice, created.admin());
        assertEquals(3, created.members().size());
        assertEquals(created, bobIn.awaitGroup(g -> g.id().equals(created.id())));
        assertEquals(created, carolIn.awaitGroup(g -> g.id().equals(created.id())));
        assertEquals(List.of(created), b.groups().list());

        int each = 8;
        List<OutgoingMessage> sent = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            sent.add(a.groups().send(a.groups().resolve("friends"), "a" + i));
            sent.add(b.groups().send(b.groups().resolve("friends"), "b" + i));
            sent.add(c.groups().send(created.id(), "c" + i));
        }
        for (OutgoingMessage m : sent) {
            accepted(m);
        }

        Map<String, RecordingListener> inboxes =
                Map.of("alice", aliceIn, "bob", bobIn, "carol", carolIn);
        Map<String, AccountId> ids = Map.of("alice", alice, "bob", bob, "carol", carol);
        for (Map.Entry<String, RecordingListener> inbox : inboxes.entrySet()) {
            List<IncomingMessage> received = inbox.getValue().awaitMessages(2 * each);
            assertTrue(received.stream().allMatch(m -> created.id().equals(m.group())));
            assertEquals(
                    2 * each,
                    new HashSet<>(received.stream().map(IncomingMessage::id).toList()).size(),
                    "each message once");
            Map<AccountId, List<String>> bySender = bySender(received);
            assertFalse(bySender.containsKey(ids.get(inbox.getKey())), "no echo of own messages");
            for (Map.Entry<AccountId, List<String>> from : bySender.entrySet()) {
                String prefix =
                        from.getKey().equals(alice) ? "a" : from.getKey().equals(bob) ? "b" : "c";
                assertEquals(numbered(prefix, each), from.getValue(), "order of " + prefix);
            }
        }

        // nothing more arrives: a marker sent after everything is the next message everywhere
        accepted(a.groups().send(a.groups().resolve("friends"), "end"));
        assertEquals("end", bobIn.awaitMessages(1).get(0).text());
        assertEquals("end", carolIn.awaitMessages(1).get(0).text());

        // the group's history on each side: senders as peers, this account for its own
        List<StoredMessage> bobsView = b.groups().history(created.id(), 3, null);
        assertEquals("end", bobsView.get(0).text());
        assertEquals(alice, bobsView.get(0).peer());
        assertEquals(Direction.INCOMING, bobsView.get(0).direction());
        List<StoredMessage> alicesView = a.groups().history(created.id(), 1, null);
        assertEquals("end", alicesView.get(0).text());
        assertEquals(alice, alicesView.get(0).peer());
        assertEquals(Direction.OUTGOING, alicesView.get(0).direction());
        assertEquals(3 * each + 1, a.groups().history(created.id(), 1000, null).size());
        assertEquals(
                List.of(),
                a.history().page(bob, 10, null).stream()
                        .filter(m -> m.text().equals("end"))
                        .toList(),
                "group messages stay out of the 1:1 history");
        assertEquals(List.of(), aliceIn.drainMessages());
        for (RecordingListener inbox : inboxes.values()) {
            assertEquals(List.of(), inbox.drainErrors());
            assertEquals(List.of(), inbox.drainGaps());
        }
        // group messages stay out of the 1:1 conversations and histories
        assertEquals(List.of(), b.conversations());
        assertEquals(List.of(), b.history().page(alice, 10, null));
    }

    @Test
    void removalCutsOffTheRemovedMemberAndAnOfflineMemberCatchesUp() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        AccountId carol = init("carol");
        AccountId dave = init("dave");
        RecordingListener aliceIn = new RecordingListener();
        RecordingListener bobIn = new RecordingListener();
        RecordingListener carolIn = new RecordingListener();
        RecordingListener daveIn = new RecordingListener();
        ChatClient a = open("alice", aliceIn);
        ChatClient b = open("bob", bobIn);
        ChatClient c = open("carol", carolIn);
        ChatClient d = open("dave", daveIn);

        Group g = a.groups().create("team", List.of(bob, carol, dave));
        for (RecordingListener in : List.of(bobIn, carolIn, daveIn)) {
            in.awaitGroup(x -> x.id().equals(g.id()));
        }
        // everyone holds everyone's sender key
        accepted(a.groups().send(a.groups().resolve("team"), "hello from alice"));
        accepted(b.groups().send(b.groups().resolve("team"), "hello from bob"));
        accepted(c.groups().send(c.groups().resolve("team"), "hello from carol"));
        assertTrue(daveIn.awaitMessages(3).stream().allMatch(m -> g.id().equals(m.group())));
        carolIn.awaitMessages(2);
        bobIn.awaitMessages(2);
        aliceIn.awaitMessages(2);

        // dave goes offline; carol is removed while he is away
        d.close();
        open.remove(d);
        Group after = a.groups().removeMembers(a.groups().resolve("team"), List.of(carol));
        assertEquals(2, after.epoch());
        assertFalse(after.members().contains(carol));
        assertEquals(after, bobIn.awaitGroup(x -> x.epoch() == 2));
        Group carolView = carolIn.awaitGroup(x -> x.epoch() == 2);
        assertFalse(carolView.active());

        accepted(a.groups().send(a.groups().resolve("team"), "secret 1"));
        accepted(b.groups().send(b.groups().resolve("team"), "secret 2"));
        assertEquals("secret 1", bobIn.awaitMessages(1).get(0).text());
        assertEquals("secret 2", aliceIn.awaitMessages(1).get(0).text());
        ChatException notMember =
                assertThrows(
                        ChatException.class,
                        () -> c.groups().send(c.groups().resolve("team"), "still here?"));
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, notMember.reason());

        // dave comes back: the removal first, then both messages, each once
        RecordingListener daveBack = new RecordingListener();
        ChatClient d2 = open("dave", daveBack);
        Group daveView = daveBack.awaitGroup(x -> x.epoch() == 2);
        assertEquals(after, daveView);
        List<IncomingMessage> caughtUp = daveBack.awaitMessages(2);
        assertEquals(
                List.of("secret 1", "secret 2"),
                caughtUp.stream().map(IncomingMessage::text).sorted().toList());
        d2.synced().get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), daveBack.drainErrors());

        // a message after the removal never reaches carol, and nobody saw a refusal
        accepted(d2.groups().send(d2.groups().resolve("team"), "welcome back"));
        assertEquals("welcome back", aliceIn.awaitMessages(1).get(0).text());
        assertEquals("welcome back", bobIn.awaitMessages(1).get(0).text());
        assertEquals(List.of(), carolIn.drainMessages());
        assertEquals(List.of(), carolIn.drainErrors());
        assertEquals(List.of(), bobIn.drainErrors());
    }

    @Test
    void anyMemberMayLeaveAndTheAdminPublishesTheChange() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        AccountId carol = init("carol");
        RecordingListener aliceIn = new RecordingListener();
        RecordingListener bobIn = new RecordingListener();
        RecordingListener carolIn = new RecordingListener();
        ChatClient a = open("alice", aliceIn);
        ChatClient b = open("bob", bobIn);
        open("carol", carolIn);
        Group g = a.groups().create("club", List.of(bob, carol));
        bobIn.awaitGroup(x -> x.id().equals(g.id()));
        carolIn.awaitGroup(x -> x.id().equals(g.id()));

        b.groups().leave(b.groups().resolve("club"));
        assertFalse(b.groups().list().get(0).active());
        Group without = aliceIn.awaitGroup(x -> x.epoch() == 2);
        assertEquals(2, without.members().size());
        assertTrue(without.members().containsAll(List.of(alice, carol)));
        assertEquals(without, carolIn.awaitGroup(x -> x.epoch() == 2));

        ChatException notAdmin =
                assertThrows(
                        ChatException.class,
                        () -> b.groups().addMembers(b.groups().resolve("club"), List.of(bob)));
        assertEquals(ChatException.Reason.REJECTED, notAdmin.reason());
        ChatException unknown =
                assertThrows(
                        ChatException.class,
                        () -> a.groups().send(a.groups().resolve("nope"), "x"));
        assertEquals(ChatException.Reason.UNKNOWN_CONTACT, unknown.reason());
    }
}
