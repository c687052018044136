package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.DeviceInfo;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.Linker;
import dev.cipherline.sdk.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alice with two devices and Bob with three, every further device linked for real, exchange 1:1 and
 * group messages through a real relay process while devices go offline and come back. Every device
 * ends with exactly the messages it should, once and in order; a read on one device clears the
 * unread count on the others; a removed device is cut off; a device linked later holds nothing sent
 * before its link but has the account's groups from the provisioning payload, and the members' next
 * group messages reach it.
 */
class MultiDeviceChurnIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path dir;

    private RelayProcess relay;

    private ChatClient open(String home, RecordingListener listener) throws Exception {
        ChatClient client = Accounts.open(dir.resolve(home), listener);
        client.synced().get(60, TimeUnit.SECONDS);
        return client;
    }

    private AccountInfo init(String home, String name) {
        return ChatClient.initializer()
                .home(dir.resolve(home))
                .relayUrl(relay.url())
                .name(name)
                .deviceName(home)
                .initialize();
    }

    /** Links {@code home} from the open client {@code existing}, named after its folder. */
    private void link(ChatClient existing, String home, int expectedId) throws Exception {
        Linker.PendingLink link =
                ChatClient.linker()
                        .home(dir.resolve(home))
                        .relayUrl(relay.url())
                        .deviceName(home)
                        .start();
        CompletableFuture<AccountInfo> linked =
                CompletableFuture.supplyAsync(() -> link.await(WAIT));
        assertEquals(expectedId, existing.devices().link(link.uri()).confirm());
        assertEquals(expectedId, linked.get(60, TimeUnit.SECONDS).deviceId());
    }

    /** Opens a device linked a moment ago once, so that its hello reaches the others' queues. */
    private void sayHello(String home) throws Exception {
        try (ChatClient device = open(home, new RecordingListener())) {
            assertEquals(0, device.flush(WAIT));
        }
    }

    private static List<String> texts(List<IncomingMessage> messages) {
        return messages.stream().map(IncomingMessage::text).toList();
    }

    private static List<String> copies(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::text).toList();
    }

    private static List<String> oldestFirst(List<StoredMessage> newestFirst) {
        List<String> texts = new ArrayList<>(copies(newestFirst));
        Collections.reverse(texts);
        return texts;
    }

    private static List<String> oneToOne(ChatClient client, AccountId peer) {
        return oldestFirst(client.history().page(peer, 100, null));
    }

    private static List<String> group(ChatClient client, GroupId group) {
        return oldestFirst(client.groups().history(group, 100, null));
    }

    private static List<String> concat(List<String> first, String... rest) {
        List<String> out = new ArrayList<>(first);
        Collections.addAll(out, rest);
        return out;
    }

    @Test
    void twoAndThreeLinkedDevicesStayInStepThroughOfflineSpellsLinksAndARemoval() throws Exception {
        try (RelayProcess started = RelayProcess.start(dir.resolve("relay"))) {
            relay = started;
            AccountInfo alice = init("a1", "alice");
            AccountInfo bob = init("b1", "bob");
            AccountId a = alice.accountId();
            AccountId b = bob.accountId();
            List<RecordingListener> all = new ArrayList<>();

            // Alice links a laptop, Bob a second device; both new devices say hello, go offline
            try (ChatClient a1 = open("a1", new RecordingListener());
                    ChatClient b1 = open("b1", new RecordingListener())) {
                link(a1, "a2", 2);
                link(b1, "b2", 2);
            }
            sayHello("a2");
            sayHello("b2");

            // phase 1: a1 and b1 talk and start a group while a2 and b2 are offline
            GroupId team;
            RecordingListener a1Events = new RecordingListener();
            RecordingListener b1Events = new RecordingListener();
            all.add(a1Events);
            all.add(b1Events);
            try (ChatClient a1 = open("a1", a1Events);
                    ChatClient b1 = open("b1", b1Events)) {
                Accounts.sendAll(a1, b, List.of("a-0", "a-1", "a-2"));
                assertEquals(List.of("a-0", "a-1", "a-2"), texts(b1Events.awaitMessages(3, WAIT)));
                Accounts.sendAll(b1, a, List.of("b-0", "b-1"));
                assertEquals(List.of("b-0", "b-1"), texts(a1Events.awaitMessages(2, WAIT)));
                team = a1.groups().create("team", List.of(b)).id();
                GroupId id = team;
                b1Events.awaitGroup(g -> g.id().equals(id), WAIT);
                a1.groups().send(team, "g-a1");
                assertEquals(List.of("g-a1"), texts(b1Events.awaitMessages(1, WAIT)));
                b1.groups().send(team, "g-b1-early");
                assertEquals(List.of("g-b1-early"), texts(a1Events.awaitMessages(1, WAIT)));
                assertEquals(0, a1.flush(WAIT));
                assertEquals(0, b1.flush(WAIT));

                // Bob links a third device now: it has the group at once, and nothing older
                link(b1, "b3", 3);
            }

            // phase 2: a1 is offline; a2, b1, b2 and b3 are online
            RecordingListener a2Events = new RecordingListener();
            RecordingListener b1Again = new RecordingListener();
            RecordingListener b2Events = new RecordingListener();
            RecordingListener b3Events = new RecordingListener();
            all.add(a2Events);
            all.add(b1Again);
            all.add(b3Events);
            List<String> b2History;
            List<String> b2Group;
            try (ChatClient b3 = open("b3", b3Events);
                    ChatClient b1 = open("b1", b1Again);
                    ChatClient b2 = open("b2", b2Events);
                    ChatClient a2 = open("a2", a2Events)) {
                List<Group> groups = b3.groups().list();
                assertEquals(1, groups.size(), "the group came with the link");
                assertEquals(team, groups.get(0).id());
                List<AccountId> members = new ArrayList<>(List.of(a, b));
                members.sort(Comparator.comparing(AccountId::value));
                assertEquals(members, groups.get(0).members());
                assertEquals(List.of(), group(b3, team), "nothing from before the link");
                assertEquals(List.of(), b3.conversations(), "no 1:1 history either");

                // the devices that were offline catch up on phase 1
                assertEquals(
                        List.of("a-0", "a-1", "a-2", "g-a1"),
                        copies(a2Events.awaitSentOnOtherDevice(4, WAIT)));
                assertEquals(
                        List.of("b-0", "b-1", "g-b1-early"),
                        texts(a2Events.awaitMessages(3, WAIT)));
                assertEquals(
                        List.of("a-0", "a-1", "a-2", "g-a1"),
                        texts(b2Events.awaitMessages(4, WAIT)));
                assertEquals(
                        List.of("b-0", "b-1", "g-b1-early"),
                        copies(b2Events.awaitSentOnOtherDevice(3, WAIT)));

                // the laptop writes: every device of Bob reads it, b3 included
                a2.send(b, "a2-0");
                a2.groups().send(team, "g-a2");
                for (RecordingListener bob3 : List.of(b1Again, b2Events, b3Events)) {
                    assertEquals(List.of("a2-0", "g-a2"), texts(bob3.awaitMessages(2, WAIT)));
                }
                // Bob's second device answers: Alice's laptop reads it, Bob's others get copies
                b2.send(a, "b2-0");
                b2.groups().send(team, "g-b2");
                assertEquals(List.of("b2-0", "g-b2"), texts(a2Events.awaitMessages(2, WAIT)));
                for (RecordingListener own : List.of(b1Again, b3Events)) {
                    assertEquals(
                            List.of("b2-0", "g-b2"), copies(own.awaitSentOnOtherDevice(2, WAIT)));
                }
                // b1 handed its sender key out before b3 existed: b3 still reads its next one
                b1.groups().send(team, "g-b1");
                assertEquals(List.of("g-b1"), texts(a2Events.awaitMessages(1, WAIT)));
                for (RecordingListener own : List.of(b2Events, b3Events)) {
                    assertEquals(List.of("g-b1"), copies(own.awaitSentOnOtherDevice(1, WAIT)));
                }

                // a read on b2 clears the unread count on b1 and b3
                assertEquals(4, b1.conversations().get(0).unreadCount());
                assertTrue(b2.markRead(a) > 0);
                b1Again.awaitReadOnOtherDevice(a.value(), WAIT);
                b3Events.awaitReadOnOtherDevice(a.value(), WAIT);
                assertEquals(0, b1.conversations().get(0).unreadCount());
                assertEquals(0, b3.conversations().get(0).unreadCount());
                assertEquals(0, b2.flush(WAIT));
                assertEquals(0, a2.flush(WAIT));
                assertEquals(0, b1.flush(WAIT));
                b2History = oneToOne(b2, a);
                b2Group = group(b2, team);

                // Bob removes b2: it is cut off at once and its client says so
                b1.devices().remove(2);
                assertEquals(
                        ChatException.Reason.DEVICE_REMOVED, b2Events.awaitError(WAIT).reason());
            }

            // phase 3: a1 comes back and catches up, then writes; b2 gets nothing of it
            RecordingListener a1Again = new RecordingListener();
            RecordingListener b1Last = new RecordingListener();
            RecordingListener b3Last = new RecordingListener();
            all.add(a1Again);
            all.add(b1Last);
            all.add(b3Last);
            try (ChatClient a1 = open("a1", a1Again);
                    ChatClient b1 = open("b1", b1Last);
                    ChatClient b3 = open("b3", b3Last)) {
                assertEquals(
                        List.of("a2-0", "g-a2"), copies(a1Again.awaitSentOnOtherDevice(2, WAIT)));
                assertEquals(
                        List.of("b2-0", "g-b2", "g-b1"), texts(a1Again.awaitMessages(3, WAIT)));
                a1.send(b, "a-last");
                a1.groups().send(team, "g-last");
                for (RecordingListener bob2 : List.of(b1Last, b3Last)) {
                    assertEquals(List.of("a-last", "g-last"), texts(bob2.awaitMessages(2, WAIT)));
                }
                b3.groups().send(team, "g-b3");
                assertEquals(List.of("g-b3"), texts(a1Again.awaitMessages(1, WAIT)));
                assertEquals(List.of("g-b3"), copies(b1Last.awaitSentOnOtherDevice(1, WAIT)));
                assertEquals(0, a1.flush(WAIT));
                assertEquals(0, b3.flush(WAIT));

                Map<Integer, String> bobNames = new HashMap<>();
                for (DeviceInfo d : b1.devices().list()) {
                    bobNames.put(d.deviceId(), d.name());
                }
                assertEquals(Map.of(1, "b1", 3, "b3"), bobNames, "b2 is gone; names end to end");
            }
            // the removed device, started again, is refused by the relay and gets nothing more
            RecordingListener b2Later = new RecordingListener();
            try (ChatClient b2 = Accounts.open(dir.resolve("b2"), b2Later)) {
                ChatException.Reason refused = b2Later.awaitError(WAIT).reason();
                assertTrue(
                        refused == ChatException.Reason.DEVICE_REMOVED
                                || refused == ChatException.Reason.AUTH_FAILED,
                        refused.toString());
            }
            assertEquals(List.of(), b2Later.drain(), "the removed device got nothing after");
            assertEquals(List.of(), b2Events.drain());

            // a2 comes back last; every device holds exactly what it should, once, in order
            RecordingListener a2Again = new RecordingListener();
            all.add(a2Again);
            List<String> before = List.of("a-0", "a-1", "a-2", "b-0", "b-1", "a2-0", "b2-0");
            List<String> groupBefore = List.of("g-a1", "g-b1-early", "g-a2", "g-b2", "g-b1");
            List<String> everything = concat(before, "a-last");
            List<String> groupAll = concat(groupBefore, "g-last", "g-b3");
            try (ChatClient a2 = open("a2", a2Again)) {
                assertEquals(
                        List.of("a-last", "g-last"),
                        copies(a2Again.awaitSentOnOtherDevice(2, WAIT)));
                assertEquals(List.of("g-b3"), texts(a2Again.awaitMessages(1, WAIT)));
                assertEquals(everything, oneToOne(a2, b));
                assertEquals(groupAll, group(a2, team));
            }
            assertEquals(before, b2History);
            assertEquals(groupBefore, b2Group);
            for (String home : List.of("a1", "b1", "b3")) {
                try (ChatClient c = open(home, new RecordingListener())) {
                    AccountId peer = home.startsWith("a") ? b : a;
                    if (home.equals("b3")) {
                        assertEquals(List.of("a2-0", "b2-0", "a-last"), oneToOne(c, peer), home);
                        assertEquals(
                                List.of("g-a2", "g-b2", "g-b1", "g-last", "g-b3"),
                                group(c, team),
                                home);
                    } else {
                        assertEquals(everything, oneToOne(c, peer), home);
                        assertEquals(groupAll, group(c, team), home);
                    }
                }
            }
            for (RecordingListener l : all) {
                assertEquals(List.of(), l.drain(), "nothing twice");
                assertEquals(List.of(), l.drainSentOnOtherDevice(), "no copy twice");
            }
            assertEquals(0, relay.stop());
        }
    }
}
