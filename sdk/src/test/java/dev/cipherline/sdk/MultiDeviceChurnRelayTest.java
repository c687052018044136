package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alice with two devices and Bob with three exchange 1:1 and group messages through a real relay
 * while devices go offline and come back: every device ends with exactly the messages it should,
 * once and in order, and a read on one of Bob's devices clears the unread count on the others.
 * Every further device is linked for real ({@link ChatClient#linker()} answered by {@link
 * Devices#link}).
 */
class MultiDeviceChurnRelayTest {
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

    private ChatClient open(String home, ChatListener listener) throws Exception {
        ChatClient client = TestRelays.client(dir.resolve(home), relay.url(), listener).build();
        client.synced().get(30, TimeUnit.SECONDS);
        return client;
    }

    /**
     * Links {@code home} as device {@code id} of the account of {@code first} for real: the new
     * device starts a link, the existing one answers it, and the new device then says hello to the
     * others (its first start) and goes offline.
     */
    private void addDevice(String first, String home, int id) throws Exception {
        try (ChatClient existing = open(first, new RecordingListener())) {
            AccountInfo linked = OwnDevices.link(existing, dir.resolve(home), relay.url(), home);
            assertEquals(id, linked.deviceId());
            assertEquals(0, existing.flush(Duration.ofSeconds(30)));
        }
        try (ChatClient device = open(home, new RecordingListener())) {
            assertEquals(0, device.flush(Duration.ofSeconds(30)));
        }
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static List<String> oldestFirst(List<StoredMessage> newestFirst) {
        List<String> texts =
                new ArrayList<>(newestFirst.stream().map(StoredMessage::text).toList());
        java.util.Collections.reverse(texts);
        return texts;
    }

    private static List<String> texts(List<IncomingMessage> messages) {
        return messages.stream().map(IncomingMessage::text).toList();
    }

    @Test
    void twoAndThreeDevicesStayInStepThroughOfflineSpells() throws Exception {
        AccountInfo alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        AccountInfo bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
        addDevice("a1", "a2", 2);
        addDevice("b1", "b2", 2);
        addDevice("b1", "b3", 3);
        List<String> fromA1 = numbered("a-", 5);
        List<String> fromB1 = numbered("b-", 3);
        GroupId group;

        // a1 and b1 talk while every other device is offline
        RecordingListener a1Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events);
                ChatClient b1 = open("b1", b1Events)) {
            for (String text : fromA1) {
                a1.send(bob.accountId(), text);
            }
            assertEquals(fromA1, texts(b1Events.awaitMessages(5)));
            for (String text : fromB1) {
                b1.send(alice.accountId(), text);
            }
            assertEquals(fromB1, texts(a1Events.awaitMessages(3)));
            group = a1.groups().create("team", List.of(bob.accountId())).id();
            GroupId id = group;
            b1Events.awaitGroup(g -> g.id().equals(id));
            a1.groups().send(group, "g-a1");
            assertEquals("g-a1", b1Events.awaitMessages(1).get(0).text());
            assertEquals(0, a1.flush(Duration.ofSeconds(30)));
            assertEquals(0, b1.flush(Duration.ofSeconds(30)));
        }

        // a1 goes offline; a2 and b2 come online, b1 comes back; b2 talks, b1 reads
        RecordingListener a2Events = new RecordingListener();
        RecordingListener b2Events = new RecordingListener();
        RecordingListener b1Again = new RecordingListener();
        try (ChatClient a2 = open("a2", a2Events);
                ChatClient b2 = open("b2", b2Events);
                ChatClient b1 = open("b1", b1Again)) {
            assertEquals(
                    List.of("a-0", "a-1", "a-2", "a-3", "a-4", "g-a1"),
                    a2Events.awaitSentOnOtherDevice(6).stream().map(StoredMessage::text).toList());
            assertEquals(List.of("b-0", "b-1", "b-2"), texts(a2Events.awaitMessages(3)));
            assertEquals(
                    List.of("a-0", "a-1", "a-2", "a-3", "a-4", "g-a1"),
                    texts(b2Events.awaitMessages(6)));
            assertEquals(
                    fromB1,
                    b2Events.awaitSentOnOtherDevice(3).stream().map(StoredMessage::text).toList());

            b2.send(alice.accountId(), "b2-0");
            b2.groups().send(group, "g-b2");
            assertEquals(List.of("b2-0", "g-b2"), texts(a2Events.awaitMessages(2)));
            List<StoredMessage> copies = b1Again.awaitSentOnOtherDevice(2);
            assertEquals(
                    List.of("b2-0", "g-b2"), copies.stream().map(StoredMessage::text).toList());

            assertEquals(5, b2.conversations().get(0).unreadCount());
            assertEquals(5, b1.markRead(alice.accountId()));
            b2Events.awaitReadOnOtherDevice(alice.accountId().value());
            assertEquals(0, b2.conversations().get(0).unreadCount());
            assertEquals(0, b2.flush(Duration.ofSeconds(30)));
            assertEquals(0, b1.flush(Duration.ofSeconds(30)));
        }

        // the devices that were offline catch up; every device shows the same history once
        List<String> oneToOne = new ArrayList<>(fromA1);
        oneToOne.addAll(fromB1);
        oneToOne.add("b2-0");
        RecordingListener b3Events = new RecordingListener();
        RecordingListener a1Again = new RecordingListener();
        try (ChatClient b3 = open("b3", b3Events);
                ChatClient a1 = open("a1", a1Again)) {
            assertEquals(
                    List.of("a-0", "a-1", "a-2", "a-3", "a-4", "g-a1"),
                    texts(b3Events.awaitMessages(6)));
            assertEquals(0, b3.conversations().get(0).unreadCount(), "read on b1");
            assertEquals(List.of("b2-0", "g-b2"), texts(a1Again.awaitMessages(2)));
            assertEquals(oneToOne, oldestFirst(b3.history().page(alice.accountId(), 50, null)));
            assertEquals(oneToOne, oldestFirst(a1.history().page(bob.accountId(), 50, null)));
            assertEquals(
                    List.of("g-a1", "g-b2"), oldestFirst(b3.groups().history(group, 50, null)));
            assertEquals(
                    List.of("g-a1", "g-b2"), oldestFirst(a1.groups().history(group, 50, null)));
        }
        for (String home : List.of("a2", "b1", "b2")) {
            try (ChatClient c = open(home, new RecordingListener())) {
                AccountId peer = home.startsWith("a") ? bob.accountId() : alice.accountId();
                assertEquals(oneToOne, oldestFirst(c.history().page(peer, 50, null)), home);
                assertEquals(
                        List.of("g-a1", "g-b2"),
                        oldestFirst(c.groups().history(group, 50, null)),
                        home);
            }
        }
        for (RecordingListener l :
                List.of(a1Events, b1Events, a2Events, b2Events, b1Again, b3Events, a1Again)) {
            assertEquals(List.of(), l.drainRejections());
            assertEquals(List.of(), l.drainMessages(), "nothing twice");
        }
    }
}
