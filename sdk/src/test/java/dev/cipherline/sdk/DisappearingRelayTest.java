package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disappearing messages through a real relay: the timer setting, deletion, relay expiry, scans. */
class DisappearingRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

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

    private ChatClient open(String home, ChatListener listener) {
        ChatClient client = TestRelays.client(dir.resolve(home), relay.url(), listener).build();
        open.add(client);
        return client;
    }

    private ChatClient openAt(String home, Clock clock) {
        ChatClient client =
                TestRelays.client(dir.resolve(home), relay.url(), new RecordingListener())
                        .clock(clock)
                        .build();
        open.add(client);
        return client;
    }

    private void close(ChatClient client) {
        open.remove(client);
        client.close();
    }

    private AccountId init(String home) {
        return ChatClient.initialize(dir.resolve(home), relay.url(), home).accountId();
    }

    /** Links device {@code home} to the account in {@code first} and lets it say hello. */
    private void link(String first, String home) throws Exception {
        try (ChatClient existing =
                TestRelays.client(dir.resolve(first), relay.url(), new RecordingListener())
                        .build()) {
            existing.synced().get(30, TimeUnit.SECONDS);
            OwnDevices.link(existing, dir.resolve(home), relay.url(), home);
        }
        try (ChatClient linked =
                TestRelays.client(dir.resolve(home), relay.url(), new RecordingListener())
                        .build()) {
            assertEquals(0, linked.flush(WAIT));
        }
    }

    private static List<Direction> directions(List<StoredMessage> page) {
        return page.stream().map(StoredMessage::direction).toList();
    }

    private static List<String> texts(List<StoredMessage> page) {
        return page.stream().map(StoredMessage::text).toList();
    }

    @Test
    void aTimerReachesEveryDeviceOfBothAccountsAndItsMessagesDisappearFromAll() throws Exception {
        AccountId alice = init("a1");
        AccountId bob = init("b1");
        link("a1", "a2");
        link("b1", "b2");
        RecordingListener a1Events = new RecordingListener();
        RecordingListener a2Events = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        RecordingListener b2Events = new RecordingListener();
        ChatClient a1 = open("a1", a1Events);
        ChatClient a2 = open("a2", a2Events);
        ChatClient b1 = open("b1", b1Events);
        ChatClient b2 = open("b2", b2Events);
        for (ChatClient c : List.of(a1, a2, b1, b2)) {
            c.synced().get(30, TimeUnit.SECONDS);
        }

        OutgoingMessage kept = a1.send(bob, "sent before any timer");
        kept.accepted().get(30, TimeUnit.SECONDS);
        b1Events.awaitMessages(1);
        b2Events.awaitMessages(1);

        Duration timer = Duration.ofSeconds(5);
        a1.setDisappearingTimer(bob, timer);
        assertEquals(timer, a1.disappearingTimer(bob));
        // every device of both sides notes who set it, in its history
        Note mine =
                new Note(
                        NoteKind.TIMER_CHANGED,
                        alice,
                        5,
                        "You set messages to disappear after 5 seconds");
        assertEquals(mine, a1Events.awaitNote());
        assertEquals(mine, a2Events.awaitNote());
        for (RecordingListener bobs : List.of(b1Events, b2Events)) {
            assertEquals(
                    new Note(
                            NoteKind.TIMER_CHANGED,
                            alice,
                            5,
                            alice.value() + " set messages to disappear after 5 seconds"),
                    bobs.awaitNote());
        }
        assertEquals(timer, b1.disappearingTimer(alice));
        assertEquals(timer, b2.disappearingTimer(alice));
        assertEquals(timer, a2.disappearingTimer(bob));
        StoredMessage noted = b2.history().page(alice, 1, null).get(0);
        assertEquals(Direction.NOTE, noted.direction());
        assertEquals(mine.text().replace("You", alice.value()), noted.text());
        assertEquals(timer, b1.conversations().get(0).disappearingTimer());

        OutgoingMessage gone = a1.send(bob, "this one disappears");
        gone.accepted().get(30, TimeUnit.SECONDS);
        assertEquals(gone.id(), b1Events.awaitMessages(1).get(0).id());
        assertEquals(gone.id(), b2Events.awaitMessages(1).get(0).id());
        a2Events.awaitSentOnOtherDevice(2);
        // the sender's devices count from the sending; bob's from the reading, on either device
        assertEquals(2, b1.markRead(alice));
        for (RecordingListener events : List.of(a1Events, a2Events, b1Events, b2Events)) {
            events.awaitDisappeared(gone.id());
        }
        for (ChatClient c : List.of(a1, a2, b1, b2)) {
            AccountId peer = c == a1 || c == a2 ? bob : alice;
            assertEquals(
                    List.of("sent before any timer"),
                    texts(
                            c.history().page(peer, 10, null).stream()
                                    .filter(r -> r.direction() != Direction.NOTE)
                                    .toList()));
            assertEquals(List.of(), c.history().search(null, "disappears", 10));
            assertEquals(1, c.history().search(null, "before any timer", 10).size());
        }

        // bob turns it off again from his other device: every device converges on that
        b2.setDisappearingTimer(alice, Duration.ZERO);
        for (RecordingListener events : List.of(a1Events, a2Events, b1Events, b2Events)) {
            Note off = events.awaitNote();
            assertEquals(bob, off.about());
            assertEquals(0, off.count());
            assertTrue(off.text().endsWith("turned off disappearing messages"), off.text());
        }
        assertTrue(a1.disappearingTimer(bob).isZero());
        assertTrue(a2.disappearingTimer(bob).isZero());
        assertTrue(b1.disappearingTimer(alice).isZero());
        OutgoingMessage stays = b2.send(alice, "stays");
        stays.accepted().get(30, TimeUnit.SECONDS);
        assertEquals("stays", a1Events.awaitMessages(1).get(0).text());
        // the message before the timer, the one after it, and the two notes
        assertEquals(4, a1.history().page(bob, 10, null).size());
    }

    @Test
    void aGroupTimerSetByAMemberDeletesTheGroupsMessagesOnBothSides() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = open("alice", aliceEvents);
        ChatClient b = open("bob", bobEvents);
        Group group = a.groups().create("walkers", List.of(bob));
        bobEvents.awaitGroup(g -> g.id().equals(group.id()));

        // a member who is not the admin sets it
        Duration timer = Duration.ofSeconds(3);
        b.groups().setDisappearingTimer(group.id(), timer);
        Note note = aliceEvents.awaitNote();
        assertEquals(
                new Note(
                        NoteKind.TIMER_CHANGED,
                        bob,
                        3,
                        bob.value() + " set messages to disappear after 3 seconds"),
                note);
        assertEquals("You set messages to disappear after 3 seconds", bobEvents.awaitNote().text());
        assertEquals(timer, a.groups().disappearingTimer(group.id()));
        assertEquals(timer, a.groups().list().get(0).disappearingTimer());

        OutgoingMessage sent = a.groups().send(group.id(), "group secret");
        sent.accepted().get(30, TimeUnit.SECONDS);
        IncomingMessage got = bobEvents.awaitMessages(1).get(0);
        assertEquals(group.id(), got.group());
        assertEquals(1, b.groups().markRead(group.id()));
        aliceEvents.awaitDisappeared(sent.id());
        bobEvents.awaitDisappeared(sent.id());
        // only the notes stay
        for (ChatClient c : List.of(a, b)) {
            assertEquals(
                    List.of(Direction.NOTE),
                    c.groups().history(group.id(), 10, null).stream()
                            .map(StoredMessage::direction)
                            .toList());
        }
        assertEquals(alice, a.whoami().accountId());
    }

    @Test
    void theRelayKeepsAMessageNoLongerThanItsTimer() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        try (HostileRelay watcher = new HostileRelay(relay.url())) {
            RecordingListener bobEvents = new RecordingListener();
            ChatClient a = open("alice", new RecordingListener());
            ChatClient b = TestRelays.client(dir.resolve("bob"), watcher.url(), bobEvents).build();
            open.add(b);
            b.synced().get(30, TimeUnit.SECONDS);
            a.setDisappearingTimer(bob, Duration.ofHours(1));
            assertEquals(NoteKind.TIMER_CHANGED, bobEvents.awaitNote().kind());
            assertEquals(Duration.ofHours(1), b.disappearingTimer(alice));

            OutgoingMessage m = a.send(bob, "short-lived at the relay");
            m.accepted().get(30, TimeUnit.SECONDS);
            long acceptedBy = System.currentTimeMillis();
            bobEvents.awaitMessages(1);
            Frame.Deliver delivered =
                    watcher.delivered().stream()
                            .filter(d -> d.clientMsgId().equals(m.id().value()))
                            .findFirst()
                            .orElseThrow();
            // sent no later than it was accepted, so it expires at most an hour after that
            assertTrue(
                    delivered.expiresAt() <= acceptedBy + Duration.ofHours(1).toMillis(),
                    "the relay keeps it until " + delivered.expiresAt());
        }
    }

    @Test
    void aClientStartedAfterTheDeadlineDeletesBeforeShowingTheHistory() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = open("alice", new RecordingListener());
        ChatClient b = open("bob", bobEvents);
        a.setDisappearingTimer(bob, Duration.ofMinutes(10));
        assertEquals(NoteKind.TIMER_CHANGED, bobEvents.awaitNote().kind());
        assertEquals(Duration.ofMinutes(10), b.disappearingTimer(alice));
        OutgoingMessage m = a.send(bob, "read me once");
        m.accepted().get(30, TimeUnit.SECONDS);
        bobEvents.awaitMessages(1);
        b.markRead(alice);
        close(a);
        close(b);

        // an hour later, before any event: the history no longer holds it
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        ChatClient bobLater = openAt("bob", later);
        assertEquals(List.of(Direction.NOTE), directions(bobLater.history().page(alice, 10, null)));
        ChatClient aliceLater = openAt("alice", later);
        assertEquals(List.of(Direction.NOTE), directions(aliceLater.history().page(bob, 10, null)));
        // unread, it would have stayed: the timer of an incoming message runs from its reading
        assertEquals(Duration.ofMinutes(10), bobLater.disappearingTimer(alice));
    }

    @Test
    void aDeletedMessageLeavesNothingReadableInTheDatabaseOrItsLog() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        RecordingListener bobEvents = new RecordingListener();
        ChatClient a = open("alice", new RecordingListener());
        ChatClient b = open("bob", bobEvents);
        a.setDisappearingTimer(bob, Duration.ofMinutes(10));
        assertEquals(NoteKind.TIMER_CHANGED, bobEvents.awaitNote().kind());
        assertEquals(Duration.ofMinutes(10), b.disappearingTimer(alice));
        String canary = "zq-disappearing-canary-7c1f";
        OutgoingMessage m = a.send(bob, canary);
        m.accepted().get(30, TimeUnit.SECONDS);
        bobEvents.awaitMessages(1);
        b.markRead(alice);
        close(a);
        close(b);

        byte[] plaintext = canary.getBytes(StandardCharsets.UTF_8);
        byte[] aliceBlob = storedText(dir.resolve("alice"), m.id());
        byte[] bobBlob = storedText(dir.resolve("bob"), m.id());
        // the scan sees the row while it is there (encrypted: its text is not in clear)
        assertTrue(found(dir.resolve("alice"), aliceBlob), "the scan cannot see alice's row");
        assertTrue(found(dir.resolve("bob"), bobBlob), "the scan cannot see bob's row");
        assertFalse(found(dir.resolve("bob"), plaintext), "the text is stored in clear");

        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        for (String home : List.of("alice", "bob")) {
            byte[] blob = home.equals("alice") ? aliceBlob : bobBlob;
            ChatClient c = openAt(home, later);
            // while the client runs: its deletion checkpointed and truncated the log
            assertFalse(found(dir.resolve(home), blob), home + ": the row's bytes remain");
            assertFalse(found(dir.resolve(home), plaintext), home + ": the text remains");
            close(c);
            checkpoint(dir.resolve(home));
            assertFalse(found(dir.resolve(home), blob), home + ": the row's bytes remain");
            assertFalse(found(dir.resolve(home), plaintext), home + ": the text remains");
        }
    }

    @Test
    void settingsMadeAtOnceOnBothSidesConvergeOnTheLaterOne() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        RecordingListener aliceEvents = new RecordingListener();
        ChatClient a = open("alice", aliceEvents);
        a.setDisappearingTimer(bob, Duration.ofHours(1));
        assertEquals("You set messages to disappear after 1 hour", aliceEvents.awaitNote().text());
        assertEquals(0, a.flush(WAIT));
        // bob, offline (no relay answers at that address), sets another timer after alice did
        try (ChatClient offline =
                ChatClient.builder()
                        .home(dir.resolve("bob"))
                        .relayUrl(java.net.URI.create("http://127.0.0.1:9"))
                        .build()) {
            offline.setDisappearingTimer(alice, Duration.ofMinutes(5));
            assertEquals(Duration.ofMinutes(5), offline.disappearingTimer(alice));
        }
        RecordingListener bobEvents = new RecordingListener();
        ChatClient b = open("bob", bobEvents);
        b.synced().get(30, TimeUnit.SECONDS);
        // alice's older setting reached bob and lost; bob's newer one reaches alice and wins
        Note fromBob = aliceEvents.awaitNote();
        assertEquals(bob, fromBob.about());
        assertEquals(300, fromBob.count());
        assertEquals(Duration.ofMinutes(5), a.disappearingTimer(bob));
        assertEquals(Duration.ofMinutes(5), b.disappearingTimer(alice));
        assertEquals(
                List.of("You set messages to disappear after 5 minutes"),
                b.history().page(alice, 10, null).stream().map(StoredMessage::text).toList(),
                "bob's history notes only the setting that holds");
    }

    @Test
    void outOfRangeTimersAreRefused() throws Exception {
        AccountId alice = init("alice");
        AccountId bob = init("bob");
        ChatClient a = open("alice", new RecordingListener());
        for (Duration bad :
                List.of(
                        Duration.ofSeconds(-1),
                        Duration.ofMillis(1500),
                        Duration.ofDays(366),
                        Duration.ofMillis(500))) {
            ChatException e =
                    assertThrows(ChatException.class, () -> a.setDisappearingTimer(bob, bad));
            assertEquals(ChatException.Reason.INVALID_ARGUMENT, e.reason());
        }
        ChatException self =
                assertThrows(
                        ChatException.class,
                        () -> a.setDisappearingTimer(alice, Duration.ofHours(1)));
        assertEquals(ChatException.Reason.INVALID_ARGUMENT, self.reason());
        assertTrue(a.disappearingTimer(bob).isZero());
    }

    /** The stored (encrypted) text of message {@code id}, read from the closed store. */
    private static byte[] storedText(Path home, MessageId id) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + home.resolve(Database.FILE_NAME));
                PreparedStatement ps =
                        c.prepareStatement("SELECT text FROM messages WHERE client_msg_id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no row for " + id);
                byte[] blob = rs.getBytes(1);
                assertNotNull(blob);
                return blob;
            }
        }
    }

    private static void checkpoint(Path home) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + home.resolve(Database.FILE_NAME));
                var s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** Whether {@code needle} is in the store's file, its log or its shared-memory index. */
    private static boolean found(Path home, byte[] needle) throws Exception {
        try (var list = Files.list(home)) {
            for (Path file :
                    list.filter(p -> p.getFileName().toString().startsWith(Database.FILE_NAME))
                            .toList()) {
                if (indexOf(Files.readAllBytes(file), needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
