package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a device linked for real gets beyond the identity: the account's groups, from the
 * provisioning payload, usable at once (the members' next group messages reach it and are readable,
 * and what it sends reaches every device of every member, its own account's included), and the
 * names of the account's devices, end to end, renames included.
 */
class LinkedDeviceGroupsRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

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

    private AccountInfo init(String home, String name, String deviceName) {
        return ChatClient.initializer()
                .home(dir.resolve(home))
                .relayUrl(relay.url())
                .name(name)
                .deviceName(deviceName)
                .initialize();
    }

    /** Links {@code home} from the open client {@code existing}, naming it {@code deviceName}. */
    private AccountInfo link(ChatClient existing, String home, String deviceName) throws Exception {
        Linker.PendingLink link =
                ChatClient.linker()
                        .home(dir.resolve(home))
                        .relayUrl(relay.url())
                        .deviceName(deviceName)
                        .start();
        CompletableFuture<AccountInfo> linked =
                CompletableFuture.supplyAsync(() -> link.await(WAIT));
        existing.devices().link(link.uri()).confirm();
        return linked.get(30, TimeUnit.SECONDS);
    }

    private static Map<Integer, String> names(ChatClient client) {
        Map<Integer, String> out = new HashMap<>();
        for (DeviceInfo d : client.devices().list()) {
            out.put(d.deviceId(), d.name());
        }
        return out;
    }

    private static List<String> texts(List<StoredMessage> newestFirst) {
        return newestFirst.stream().map(StoredMessage::text).toList();
    }

    @Test
    void aLinkedDeviceHasTheGroupsAtOnceAndTalksInThem() throws Exception {
        AccountInfo alice = init("a1", "alice", "phone");
        AccountInfo bob = init("b1", "bob", null);
        AccountInfo carol = init("c1", "carol", null);
        RecordingListener a1Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        RecordingListener a2Events = new RecordingListener();
        RecordingListener c1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events)) {
            Group team = a1.groups().create("team", List.of(bob.accountId()));
            try (ChatClient b1 = open("b1", b1Events)) {
                b1Events.awaitGroup(g -> g.id().equals(team.id()));
                a1.groups().send(team.id(), "before the link");
                assertEquals("before the link", b1Events.awaitMessages(1).get(0).text());
                b1.groups().send(team.id(), "bob before the link");
                assertEquals("bob before the link", a1Events.awaitMessages(1).get(0).text());
                assertEquals(0, b1.flush(WAIT));
            }

            AccountInfo laptop = link(a1, "a2", " laptop ");
            assertEquals(2, laptop.deviceId());
            try (ChatClient a2 = open("a2", a2Events)) {
                // the group is there before any of its messages reached the new device
                Group copy = a2.groups().list().get(0);
                assertEquals(team.id(), copy.id());
                assertEquals("team", copy.name());
                assertEquals(alice.accountId(), copy.admin());
                assertEquals(team.epoch(), copy.epoch());
                assertEquals(team.members(), copy.members());
                assertTrue(copy.active());
                assertEquals(List.of(), a2.groups().history(team.id(), 10, null), "no backfill");
                assertEquals(
                        Map.of(1, "phone", 2, "laptop"),
                        names(a2),
                        "its own name, and the linking device's from the payload");
                // its hello and its sender key for the group leave at its first start
                assertEquals(0, a2.flush(WAIT));

                try (ChatClient b1 = open("b1", b1Events)) {
                    // a member's next group message reaches the new device, readable
                    b1.groups().send(team.id(), "bob after the link");
                    assertEquals("bob after the link", a2Events.awaitMessages(1).get(0).text());
                    assertEquals("bob after the link", a1Events.awaitMessages(1).get(0).text());

                    // the new device sends: every member's devices and its own other device
                    // read it
                    a2.groups().send(team.id(), "from the laptop");
                    assertEquals("from the laptop", b1Events.awaitMessages(1).get(0).text());
                    assertEquals(
                            "from the laptop", a1Events.awaitSentOnOtherDevice(1).get(0).text());
                    // the hello came before that copy: device 1 knows the new device's name now
                    assertEquals(Map.of(1, "phone", 2, "laptop"), names(a1));

                    // the admin's next snapshot applies on the new device too
                    a1.groups().addMembers(team.id(), List.of(carol.accountId()));
                    Group grown = a2Events.awaitGroup(g -> g.members().contains(carol.accountId()));
                    assertEquals(team.epoch() + 1, grown.epoch());
                    try (ChatClient c1 = open("c1", c1Events)) {
                        c1Events.awaitGroup(g -> g.id().equals(team.id()));
                        a2.groups().send(team.id(), "welcome carol");
                        assertEquals("welcome carol", c1Events.awaitMessages(1).get(0).text());
                        assertEquals("welcome carol", b1Events.awaitMessages(1).get(0).text());
                        assertEquals(
                                "welcome carol", a1Events.awaitSentOnOtherDevice(1).get(0).text());
                    }
                }
                assertEquals(
                        Arrays.asList("welcome carol", "from the laptop", "bob after the link"),
                        texts(a2.groups().history(team.id(), 10, null)));
            }
        }
        for (RecordingListener l : List.of(a1Events, b1Events, a2Events, c1Events)) {
            assertEquals(List.of(), l.drainRejections());
            assertEquals(List.of(), l.drainMessages(), "nothing twice");
        }
    }

    /**
     * A member's device that learns of a linked device only from the relay's answer to its group
     * message (the new device has not started yet, so it handed out no sender key and sent no
     * hello) hands its own sender key to the new device before that message, which the new device
     * therefore reads.
     */
    @Test
    void aMemberThatLearnsOfALinkedDeviceFromTheRelayHandsItsKeyBeforeTheMessage()
            throws Exception {
        init("a1", "alice", "phone");
        AccountInfo bob = init("b1", "bob", null);
        RecordingListener a1Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        RecordingListener a2Events = new RecordingListener();
        GroupId team;
        try (ChatClient a1 = open("a1", a1Events)) {
            team = a1.groups().create("team", List.of(bob.accountId())).id();
            try (ChatClient b1 = open("b1", b1Events)) {
                b1Events.awaitGroup(g -> g.id().equals(team));
                b1.groups().send(team, "bob before the link");
                assertEquals("bob before the link", a1Events.awaitMessages(1).get(0).text());
                assertEquals(0, b1.flush(WAIT));
            }
            // linked, but not started: no member knows of it yet
            link(a1, "a2", "laptop");
        }
        try (ChatClient b1 = open("b1", b1Events)) {
            // bob's device learns of alice's device 2 from her device list (or the relay's
            // answer); its key goes to device 2 first, then this
            OutgoingMessage sent = b1.groups().send(team, "bob after the link");
            assertEquals(MessageState.SENT, sent.accepted().get(30, TimeUnit.SECONDS));
            assertEquals(0, b1.flush(WAIT));
            b1.groups().send(team, "and once more");
            assertEquals(0, b1.flush(WAIT));
        }
        try (ChatClient a2 = open("a2", a2Events);
                ChatClient a1 = open("a1", a1Events)) {
            assertEquals(
                    List.of("bob after the link", "and once more"),
                    a2Events.awaitMessages(2).stream().map(IncomingMessage::text).toList());
            assertEquals(
                    List.of("bob after the link", "and once more"),
                    a1Events.awaitMessages(2).stream().map(IncomingMessage::text).toList());
        }
        for (RecordingListener l : List.of(a1Events, b1Events, a2Events)) {
            assertEquals(List.of(), l.drainRejections(), "nothing unreadable");
            assertEquals(List.of(), l.drainMessages(), "nothing twice");
        }
    }

    @Test
    void devicesLearnEachOthersNamesFromTheirHellos() throws Exception {
        init("a1", "alice", "phone");
        AccountInfo bob = init("b1", "bob", null);
        RecordingListener a1Events = new RecordingListener();
        try (ChatClient a1 = open("a1", a1Events)) {
            link(a1, "a2", "laptop");
            try (ChatClient a2 = open("a2", new RecordingListener())) {
                assertEquals(0, a2.flush(WAIT), "its hello left");
            }
            link(a1, "a3", "terminal");
            RecordingListener a2Events = new RecordingListener();
            RecordingListener a3Events = new RecordingListener();
            try (ChatClient a3 = open("a3", a3Events);
                    ChatClient a2 = open("a2", a2Events)) {
                // a3's hello asks the others for theirs; what each sends after it comes later
                a3.send(bob.accountId(), "from the terminal");
                assertEquals("from the terminal", a2Events.awaitSentOnOtherDevice(1).get(0).text());
                assertEquals("from the terminal", a1Events.awaitSentOnOtherDevice(1).get(0).text());
                a2.send(bob.accountId(), "from the laptop");
                a1.send(bob.accountId(), "from the phone");
                assertEquals(
                        List.of("from the laptop", "from the phone"),
                        a3Events.awaitSentOnOtherDevice(2).stream()
                                .map(StoredMessage::text)
                                .sorted()
                                .toList());
                Map<Integer, String> all = Map.of(1, "phone", 2, "laptop", 3, "terminal");
                assertEquals(all, names(a1));
                assertEquals(all, names(a2), "a device that did not link a3 learns its name");
                assertEquals(all, names(a3), "from the others' answers");

                assertEquals("from the laptop", a1Events.awaitSentOnOtherDevice(1).get(0).text());

                // a rename reaches the others with a hello that comes before what follows it
                a2.devices().rename(" work laptop ");
                a2.send(bob.accountId(), "renamed");
                assertEquals("renamed", a1Events.awaitSentOnOtherDevice(1).get(0).text());
                assertEquals("renamed", a3Events.awaitSentOnOtherDevice(1).get(0).text());
                for (ChatClient c : List.of(a1, a2, a3)) {
                    assertEquals("work laptop", names(c).get(2));
                }
                assertEquals(
                        ChatException.Reason.INVALID_ARGUMENT,
                        assertThrows(ChatException.class, () -> a2.devices().rename(" ")).reason());
            }
        }
    }
}
