package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts with several devices through a real relay: copies, receipts and read syncs. */
class MultiDeviceRelayTest {
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

    private ChatClient open(String home, ChatListener listener) {
        return TestRelays.client(dir.resolve(home), relay.url(), listener).build();
    }

    /**
     * Adds device {@code id} to the account in {@code first} and lets it introduce itself to the
     * account's devices (its hello waits in their queues).
     */
    private void addDevice(String first, String home, int id) throws Exception {
        try (ChatClient existing = open(first, new RecordingListener())) {
            existing.synced().get(30, TimeUnit.SECONDS);
            assertEquals(
                    id, OwnDevices.link(existing, dir.resolve(home), relay.url(), home).deviceId());
        }
        sayHello(home);
    }

    /**
     * A reinstall of device {@code id}: registered afresh under its ID, which linking never does.
     */
    private void reinstall(String first, String home, int id) throws Exception {
        // device 1 learns the account's newest signed list (it pinned the one before the last
        // link), so the reinstall signs the version after it
        try (ChatClient existing = open(first, new RecordingListener())) {
            existing.synced().get(30, TimeUnit.SECONDS);
            existing.devices().list();
        }
        OwnDevices.add(dir.resolve(first), dir.resolve(home), relay.url(), id);
        sayHello(home);
    }

    private void sayHello(String home) {
        try (ChatClient device = open(home, new RecordingListener())) {
            assertEquals(0, device.flush(Duration.ofSeconds(30)));
        }
    }

    private static List<String> texts(List<StoredMessage> page) {
        return page.stream().map(StoredMessage::text).toList();
    }

    @Test
    void aMessageReachesEveryDeviceOfBothAccountsAndReceiptsMoveItOnEach() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        addDevice("a1", "a2", 2);
        addDevice("b1", "b2", 2);

        RecordingListener a1Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events);
                ChatClient b1 = open("b1", b1Events)) {
            a1.synced().get(30, TimeUnit.SECONDS);
            b1.synced().get(30, TimeUnit.SECONDS);
            OutgoingMessage hi = a1.send(bob.accountId(), "hi bob");
            assertEquals(MessageState.SENT, hi.accepted().get(30, TimeUnit.SECONDS));
            assertEquals("hi bob", b1Events.awaitMessages(1).get(0).text());
            a1Events.awaitMessageStates(hi.id(), MessageState.SENT, MessageState.DELIVERED);

            RecordingListener a2Events = new RecordingListener();
            RecordingListener b2Events = new RecordingListener();
            try (ChatClient a2 = open("a2", a2Events);
                    ChatClient b2 = open("b2", b2Events)) {
                // alice's other device shows it as sent on another device
                StoredMessage copy = a2Events.awaitSentOnOtherDevice(1).get(0);
                assertEquals(hi.id(), copy.id());
                assertEquals(bob.accountId(), copy.peer());
                assertEquals(Direction.OUTGOING, copy.direction());
                assertTrue(copy.otherDevice());
                // bob's other device received it as well
                IncomingMessage onB2 = b2Events.awaitMessages(1).get(0);
                assertEquals(hi.id(), onB2.id());
                assertEquals(alice.accountId(), onB2.from());
                b2.synced().get(30, TimeUnit.SECONDS);
                a2.synced().get(30, TimeUnit.SECONDS);
                // the delivery receipts from bob's devices reached a2 too
                a2Events.awaitMessageStates(hi.id(), MessageState.DELIVERED);

                // bob reads on b2: alice's devices see READ, b1's unread count drops
                assertEquals(1, b1.conversations().get(0).unreadCount());
                assertEquals(1, b2.markRead(alice.accountId()));
                a1Events.awaitMessageStates(
                        hi.id(), MessageState.SENT, MessageState.DELIVERED, MessageState.READ);
                a2Events.awaitMessageStates(hi.id(), MessageState.DELIVERED, MessageState.READ);
                b1Events.awaitReadOnOtherDevice(alice.accountId().value());
                assertEquals(0, b1.conversations().get(0).unreadCount());
                assertEquals(
                        MessageState.READ,
                        b1.history().page(alice.accountId(), 1, null).get(0).state());

                // a reply from b1 reaches both of alice's devices and b2 as a copy
                OutgoingMessage reply = b1.send(alice.accountId(), "hi alice");
                assertEquals("hi alice", a1Events.awaitMessages(1).get(0).text());
                assertEquals("hi alice", a2Events.awaitMessages(1).get(0).text());
                assertEquals(reply.id(), b2Events.awaitSentOnOtherDevice(1).get(0).id());

                // every device shows the conversation once, in order
                for (ChatClient c : List.of(a1, a2)) {
                    List<StoredMessage> page = c.history().page(bob.accountId(), 10, null);
                    assertEquals(List.of("hi alice", "hi bob"), texts(page));
                    assertEquals(Direction.OUTGOING, page.get(1).direction());
                    assertEquals(c == a2, page.get(1).otherDevice());
                }
                for (ChatClient c : List.of(b1, b2)) {
                    List<StoredMessage> page = c.history().page(alice.accountId(), 10, null);
                    assertEquals(List.of("hi alice", "hi bob"), texts(page));
                    assertEquals(Direction.OUTGOING, page.get(0).direction());
                    assertEquals(c == b2, page.get(0).otherDevice());
                }
                // nobody saw anything twice, nor a read receipt from b1 after the read sync
                assertEquals(List.of(), a2Events.drainSentOnOtherDevice());
                assertEquals(List.of(), b1Events.drainMessages());
                assertEquals(List.of(), b2Events.drainMessages());
                assertEquals(List.of(), a1Events.drainRejections());
                assertEquals(List.of(), a2Events.drainRejections());
                assertEquals(List.of(), b1Events.drainRejections());
                assertEquals(List.of(), b2Events.drainRejections());
                assertFalse(a1.history().page(bob.accountId(), 10, null).get(1).otherDevice());
            }
        }
    }

    @Test
    void aGroupReachesEveryDeviceOfEveryMemberAndTheSendersOtherDevicesOnceInOrder()
            throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        addDevice("a1", "a2", 2);
        addDevice("b1", "b2", 2);

        RecordingListener a1Events = new RecordingListener();
        RecordingListener a2Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        RecordingListener b2Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events);
                ChatClient a2 = open("a2", a2Events);
                ChatClient b1 = open("b1", b1Events);
                ChatClient b2 = open("b2", b2Events)) {
            for (ChatClient c : List.of(a1, a2, b1, b2)) {
                c.synced().get(30, TimeUnit.SECONDS);
            }
            Group team = a1.groups().create("team", List.of(bob.accountId()));
            GroupId id = team.id();
            for (RecordingListener l : List.of(a2Events, b1Events, b2Events)) {
                Group seen = l.awaitGroup(g -> g.id().equals(id));
                assertEquals(
                        java.util.Set.of(alice.accountId(), bob.accountId()),
                        java.util.Set.copyOf(seen.members()));
                assertEquals(alice.accountId(), seen.admin());
            }

            OutgoingMessage g1 = a1.groups().send(id, "g1");
            assertEquals("g1", b1Events.awaitMessages(1).get(0).text());
            assertEquals("g1", b2Events.awaitMessages(1).get(0).text());
            assertEquals(g1.id(), a2Events.awaitSentOnOtherDevice(1).get(0).id());
            assertEquals(List.of(id.value()), a2Events.sentOnOtherDeviceGroups());

            OutgoingMessage g2 = b2.groups().send(id, "g2");
            assertEquals("g2", a1Events.awaitMessages(1).get(0).text());
            assertEquals("g2", a2Events.awaitMessages(1).get(0).text());
            assertEquals(g2.id(), b1Events.awaitSentOnOtherDevice(1).get(0).id());

            OutgoingMessage g3 = a2.groups().send(id, "g3");
            assertEquals("g3", b1Events.awaitMessages(1).get(0).text());
            assertEquals("g3", b2Events.awaitMessages(1).get(0).text());
            assertEquals(g3.id(), a1Events.awaitSentOnOtherDevice(1).get(0).id());

            for (ChatClient c : List.of(a1, a2, b1, b2)) {
                List<StoredMessage> page = c.groups().history(id, 10, null);
                assertEquals(List.of("g3", "g2", "g1"), texts(page), "history of " + c.whoami());
            }

            // reading the group on b1 clears it on b2, which sends no read receipts of its own
            assertEquals(2, b2.groups().unreadCount(id), "g1 and g3");
            assertEquals(2, b1.groups().markRead(id));
            b2Events.awaitReadOnOtherDevice("group:" + id.value());
            assertEquals(0, b2.groups().unreadCount(id));

            for (RecordingListener l : List.of(a1Events, a2Events, b1Events, b2Events)) {
                assertEquals(List.of(), l.drainMessages());
                assertEquals(List.of(), l.drainSentOnOtherDevice());
                assertEquals(List.of(), l.drainRejections());
            }
        }
    }

    @Test
    void aPeersNewAndReRegisteredDevicesArePickedUpFromTheRelaysAnswer() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        addDevice("b1", "b2", 2);
        RecordingListener a1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events)) {
            RecordingListener b1Events = new RecordingListener();
            try (ChatClient b1 = open("b1", b1Events)) {
                b1.synced().get(30, TimeUnit.SECONDS);
                a1.send(bob.accountId(), "before").accepted().get(30, TimeUnit.SECONDS);
                assertEquals("before", b1Events.awaitMessages(1).get(0).text());
            }

            // bob adds device 3, and device 2 is registered afresh (a new registration ID)
            addDevice("b1", "b3", 3);
            Path old = dir.resolve("b2");
            try (var files = java.nio.file.Files.walk(old)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            reinstall("b1", "b2", 2);

            // alice's next message: the relay names 3 missing and 2 stale, the SDK fixes both
            OutgoingMessage after = a1.send(bob.accountId(), "after");
            assertEquals(MessageState.SENT, after.accepted().get(30, TimeUnit.SECONDS));
            for (String home : List.of("b1", "b2", "b3")) {
                RecordingListener events = new RecordingListener();
                try (ChatClient b = open(home, events)) {
                    b.synced().get(30, TimeUnit.SECONDS);
                    List<String> got =
                            events.drainMessages().stream().map(IncomingMessage::text).toList();
                    assertEquals(List.of("after"), got, "messages on " + home);
                    assertEquals(
                            home.equals("b1") ? List.of("after", "before") : List.of("after"),
                            texts(b.history().page(alice.accountId(), 10, null)),
                            "a device registered later has nothing from before it");
                }
            }
            assertEquals(List.of(), a1Events.drainRejections());
        }
    }

    @Test
    void contactsVerificationAndDeletionsMadeOnOneDeviceReachTheOthers() throws Exception {
        ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        addDevice("a1", "a2", 2);
        RecordingListener a1Events = new RecordingListener();
        RecordingListener a2Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events);
                ChatClient a2 = open("a2", a2Events);
                ChatClient b1 = open("b1", b1Events)) {
            a1.synced().get(30, TimeUnit.SECONDS);
            OutgoingMessage one = a1.send(bob.accountId(), "one");
            a1.send(bob.accountId(), "two");
            assertEquals(2, b1Events.awaitMessages(2).size());
            a2Events.awaitSentOnOtherDevice(2);
            b1.send(a1.whoami().accountId(), "hey");
            a1Events.awaitMessages(1);
            a2Events.awaitMessages(1);

            a1.contacts().add("bob", bob.accountId());
            SafetyNumber verified = a1.verification().markVerified(bob.accountId());
            assertTrue(a1.history().delete(bob.accountId(), one.id()));
            // the read sync is queued after the others, to the same devices, so it comes last
            assertEquals(1, a1.markRead(bob.accountId()));
            a2Events.awaitReadOnOtherDevice(bob.accountId().value());
            assertEquals(bob.accountId(), a2.contacts().byName("bob").orElseThrow().accountId());
            SafetyNumber onA2 = a2.verification().safetyNumber(bob.accountId());
            assertTrue(onA2.verified());
            assertEquals(verified.digits(), onA2.digits());
            assertEquals(
                    List.of("hey", "two"), texts(a2.history().page(bob.accountId(), 10, null)));

            // the delete sync leaves a1 before the copy of a later message (oldest row first)
            a1.history().deleteConversation(bob.accountId());
            a1.send(bob.accountId(), "after");
            assertEquals("after", a2Events.awaitSentOnOtherDevice(1).get(0).text());
            assertEquals(List.of("after"), texts(a2.history().page(bob.accountId(), 10, null)));
            assertEquals(List.of(), a2Events.drainRejections());
        }
    }
}
