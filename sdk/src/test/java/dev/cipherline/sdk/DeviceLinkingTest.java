package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.crypto.Identity;
import dev.cipherline.relay.MutableClock;
import dev.cipherline.relay.Operations;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linking a second device to an account through a real relay, its device list and removal, and
 * every way a link can fail: each with its one reason, and nothing half-linked.
 */
class DeviceLinkingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;

    private final MutableClock relayClock = new MutableClock(Instant.now());
    private final HttpClient http = HttpClient.newHttpClient();
    private RelayServer relay;
    private AccountInfo alice;
    private AccountInfo bob;

    private void start(int maxDevices) throws Exception {
        relay =
                RelayServer.start(
                        new RelayConfig(
                                        "127.0.0.1",
                                        0,
                                        dir.resolve("relay"),
                                        Duration.ofDays(30),
                                        100_000,
                                        64)
                                .withOperations(Operations.EMBEDDED.withMaxDevices(maxDevices)),
                        relayClock);
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "Alice");
        bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "Bob");
    }

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
    }

    private ChatClient open(String who, ChatListener listener) {
        return TestRelays.client(dir.resolve(who), relay.url(), listener).build();
    }

    private Linker.PendingLink startLink(String who) {
        return ChatClient.linker().home(dir.resolve(who)).relayUrl(relay.url()).start();
    }

    private static CompletableFuture<AccountInfo> awaitAsync(Linker.PendingLink link) {
        return CompletableFuture.supplyAsync(() -> link.await(WAIT));
    }

    @Test
    void aLinkedDeviceJoinsTheAccountWithItsProfileAndContacts() throws Exception {
        start(10);
        try (ChatClient a = open("alice", new RecordingListener())) {
            a.contacts().add("bob", bob.accountId());
            Linker.PendingLink link = startLink("laptop");
            assertTrue(link.uri().startsWith("cipherline-link:?v=1&relay="), link.uri());
            assertTrue(link.fingerprint().matches("\\d{4} \\d{4} \\d{4}"));
            CompletableFuture<AccountInfo> linked = awaitAsync(link);

            Devices.OutgoingLink outgoing = a.devices().link(link.uri());
            assertEquals(
                    link.fingerprint(), outgoing.fingerprint(), "both devices show one number");
            assertEquals(2, outgoing.confirm(), "the lowest free device ID");

            AccountInfo laptop = linked.get(30, TimeUnit.SECONDS);
            assertEquals(alice.accountId(), laptop.accountId());
            assertEquals(2, laptop.deviceId());
            assertEquals("Alice", laptop.name(), "the profile came along");
            assertEquals(
                    ChatException.Reason.LINK_USED,
                    assertThrows(ChatException.class, outgoing::confirm).reason());

            try (ChatClient l = open("laptop", new RecordingListener())) {
                assertEquals(alice.accountId(), l.whoami().accountId());
                assertEquals(2, l.whoami().deviceId());
                assertEquals(bob.accountId(), l.contacts().byName("bob").orElseThrow().accountId());
                l.synced().get(30, TimeUnit.SECONDS);
                List<DeviceInfo> devices = l.devices().list();
                assertEquals(List.of(1, 2), devices.stream().map(DeviceInfo::deviceId).toList());
                assertFalse(devices.get(0).thisDevice());
                assertTrue(devices.get(1).thisDevice());
                assertTrue(devices.get(0).lastSeen() != null, "device 1 is connected");
            }
            assertEquals(
                    List.of(1, 2), a.devices().list().stream().map(DeviceInfo::deviceId).toList());
        }
    }

    @Test
    void removingADeviceCutsItOffAtOnce() throws Exception {
        start(10);
        link("alice", "laptop");
        RecordingListener laptopEvents = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener());
                ChatClient l = open("laptop", laptopEvents)) {
            l.synced().get(30, TimeUnit.SECONDS);
            a.devices().remove(2);
            assertEquals(ChatException.Reason.DEVICE_REMOVED, laptopEvents.awaitError().reason());
            assertEquals(
                    List.of(1), a.devices().list().stream().map(DeviceInfo::deviceId).toList());
            assertEquals(
                    ChatException.Reason.INVALID_ARGUMENT,
                    assertThrows(ChatException.class, () -> a.devices().remove(2)).reason());
            // the next link reuses the free ID
            assertEquals(2, linkFrom(a, "phone").deviceId());
        }
    }

    @Test
    void aBadUriIsRefusedBeforeAnythingIsSent() throws Exception {
        start(10);
        Linker.PendingLink link = startLink("laptop");
        try (ChatClient a = open("alice", new RecordingListener())) {
            for (String bad :
                    List.of(
                            "",
                            "https://example.org",
                            link.uri().replace("v=1", "v=2"),
                            link.uri().substring(0, link.uri().length() - 10),
                            link.uri().replace("mailbox=", "mailbox=x"),
                            link.uri().replace(relay.url().getPort() + "", "1"))) {
                ChatException e = assertThrows(ChatException.class, () -> a.devices().link(bad));
                assertEquals(ChatException.Reason.LINK_INVALID, e.reason(), bad);
            }
        }
        assertEquals(
                ChatException.Reason.TIMEOUT,
                assertThrows(ChatException.class, () -> link.await(Duration.ofMillis(200)))
                        .reason(),
                "nothing reached the mailbox");
    }

    @Test
    void aDeclinedLinkSendsNothing() throws Exception {
        start(10);
        Linker.PendingLink link = startLink("laptop");
        try (ChatClient a = open("alice", new RecordingListener())) {
            Devices.OutgoingLink outgoing = a.devices().link(link.uri());
            outgoing.decline();
            assertEquals(
                    ChatException.Reason.LINK_DECLINED,
                    assertThrows(ChatException.class, outgoing::confirm).reason());
        }
        assertEquals(
                ChatException.Reason.TIMEOUT,
                assertThrows(ChatException.class, () -> link.await(Duration.ofMillis(200)))
                        .reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("laptop")));
    }

    @Test
    void anExpiredLinkFailsOnBothSides() throws Exception {
        start(10);
        Linker.PendingLink link = startLink("laptop");
        relayClock.advance(Duration.ofMinutes(10));
        try (ChatClient a = open("alice", new RecordingListener())) {
            Devices.OutgoingLink outgoing = a.devices().link(link.uri());
            assertEquals(
                    ChatException.Reason.LINK_EXPIRED,
                    assertThrows(ChatException.class, outgoing::confirm).reason());
        }
        assertEquals(
                ChatException.Reason.LINK_EXPIRED,
                assertThrows(ChatException.class, () -> link.await(WAIT)).reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("laptop")));
    }

    @Test
    void aLinkPastTheDeviceLimitLeavesTheNewDeviceUninitialized() throws Exception {
        start(1);
        Linker.PendingLink link = startLink("laptop");
        CompletableFuture<AccountInfo> linked = awaitAsync(link);
        try (ChatClient a = open("alice", new RecordingListener())) {
            a.devices().link(link.uri()).confirm();
        }
        ChatException e = assertThrows(ChatException.class, () -> join(linked));
        assertEquals(ChatException.Reason.TOO_MANY_DEVICES, e.reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("laptop")));
    }

    /**
     * Someone who reads the mailbox first (the relay, or whoever saw the URI) takes only
     * ciphertext; the new device hears the link was used. Replayed into a fresh mailbox, the same
     * ciphertext fails to open.
     */
    @Test
    void aStolenPayloadIsUselessAndAReplayFailsToOpen() throws Exception {
        start(10);
        Linker.PendingLink first = startLink("laptop");
        byte[] stolen;
        try (ChatClient a = open("alice", new RecordingListener())) {
            a.devices().link(first.uri()).confirm();
            stolen = take(mailboxOf(first.uri()));
        }
        assertEquals(
                ChatException.Reason.LINK_USED,
                assertThrows(ChatException.class, () -> first.await(WAIT)).reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("laptop")));

        Linker.PendingLink second = startLink("laptop");
        put(mailboxOf(second.uri()), stolen);
        assertEquals(
                ChatException.Reason.LINK_FAILED,
                assertThrows(ChatException.class, () -> second.await(WAIT)).reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("laptop")));

        Linker.PendingLink third = startLink("laptop");
        put(mailboxOf(third.uri()), "not a sealed payload".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                ChatException.Reason.LINK_FAILED,
                assertThrows(ChatException.class, () -> third.await(WAIT)).reason());
        assertFalse(ChatClient.isInitialized(dir.resolve("laptop")));
    }

    @Test
    void theRelayKeepsNeitherTheIdentityKeyNorTheProvisioningPlaintext() throws Exception {
        start(10);
        String marker = "zebra-contact-marker";
        try (ChatClient a = open("alice", new RecordingListener())) {
            a.contacts().add(marker, bob.accountId());
        }
        link("alice", "laptop");
        byte[] identityPrivate;
        try (Database db = Database.openUnprotected(dir.resolve("alice"))) {
            LocalIdentity local = new IdentityStore(db).load().orElseThrow();
            identityPrivate =
                    Identity.fromSerialized(local.identityKeyPair())
                            .keyPair()
                            .getPrivateKey()
                            .serialize();
        }
        relay.close();
        String privateHex = HexFormat.of().formatHex(identityPrivate);
        try (Stream<Path> files = Files.walk(dir.resolve("relay"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(marker), file + " holds provisioning plaintext");
                assertFalse(
                        HexFormat.of().formatHex(bytes).contains(privateHex),
                        file + " holds the identity private key");
            }
        }
        relay = null;
    }

    @Test
    void theExistingCommandsWorkOnALinkedDevice() throws Exception {
        start(10);
        link("alice", "laptop");
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient l = open("laptop", new RecordingListener());
                ChatClient b = open("bob", bobEvents)) {
            l.send(bob.accountId(), "from the laptop").accepted().get(30, TimeUnit.SECONDS);
            IncomingMessage got = bobEvents.awaitMessages(1).get(0);
            assertEquals(alice.accountId(), got.from());
            assertEquals("from the laptop", got.text());
        }
    }

    @Test
    void aLinkedDeviceIsKeptInStepWithTheAccountsOtherDevice() throws Exception {
        start(10);
        link("alice", "laptop");
        RecordingListener phoneEvents = new RecordingListener();
        RecordingListener laptopEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient phone = open("alice", phoneEvents);
                ChatClient laptop = open("laptop", laptopEvents);
                ChatClient b = open("bob", bobEvents)) {
            // the laptop greets the account's other devices when it starts, before this message
            laptop.send(bob.accountId(), "from the laptop").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("from the laptop", bobEvents.awaitMessages(1).get(0).text());
            StoredMessage copy = phoneEvents.awaitSentOnOtherDevice(1).get(0);
            assertEquals("from the laptop", copy.text());
            assertTrue(copy.otherDevice());

            // a reply reaches both devices of the account, once each
            b.send(alice.accountId(), "hello both").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("hello both", phoneEvents.awaitMessages(1).get(0).text());
            assertEquals("hello both", laptopEvents.awaitMessages(1).get(0).text());

            // and what the phone sends shows on the laptop as sent on another device
            phone.send(bob.accountId(), "from the phone").accepted().get(30, TimeUnit.SECONDS);
            assertEquals("from the phone", bobEvents.awaitMessages(1).get(0).text());
            assertEquals("from the phone", laptopEvents.awaitSentOnOtherDevice(1).get(0).text());
        }
    }

    private AccountInfo link(String from, String to) throws Exception {
        try (ChatClient a = open(from, new RecordingListener())) {
            return linkFrom(a, to);
        }
    }

    private AccountInfo linkFrom(ChatClient existing, String to) throws Exception {
        Linker.PendingLink link = startLink(to);
        CompletableFuture<AccountInfo> linked = awaitAsync(link);
        existing.devices().link(link.uri()).confirm();
        return linked.get(30, TimeUnit.SECONDS);
    }

    private static AccountInfo join(CompletableFuture<AccountInfo> future) throws Throwable {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        }
    }

    private static String mailboxOf(String uri) {
        for (String field : uri.substring(uri.indexOf('?') + 1).split("&")) {
            if (field.startsWith("mailbox=")) {
                return field.substring("mailbox=".length());
            }
        }
        throw new AssertionError("no mailbox in " + uri);
    }

    private byte[] take(String mailbox) throws Exception {
        HttpResponse<byte[]> r =
                http.send(
                        HttpRequest.newBuilder(provisioning(mailbox)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private void put(String mailbox, byte[] body) throws Exception {
        HttpResponse<byte[]> r =
                http.send(
                        HttpRequest.newBuilder(provisioning(mailbox))
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
    }

    private URI provisioning(String mailbox) {
        return relay.url().resolve("/v1/provisioning/" + mailbox);
    }
}
