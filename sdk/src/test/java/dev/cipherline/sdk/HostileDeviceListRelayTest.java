package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.protocol.Frame;
import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay that lies about an account's devices, against the account's signed device list: it hides
 * one of Bob's devices, serves an older list after a newer one was seen, or hands out a device the
 * list does not name. Each is detected by the sender, whose send fails with an error naming Bob's
 * account and the device; honest changes (linking, removal) go through without one.
 */
class HostileDeviceListRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private HostileRelay mitm;
    private AccountInfo alice;
    private AccountInfo bob;
    private final List<ChatClient> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        mitm = new HostileRelay(relay.url());
        alice = ChatClient.initialize(dir.resolve("a1"), relay.url(), "alice");
        bob = ChatClient.initialize(dir.resolve("b1"), relay.url(), "bob");
    }

    @AfterEach
    void tearDown() {
        open.forEach(ChatClient::close);
        mitm.close();
        relay.close();
    }

    private ChatClient connect(String home, RecordingListener listener) throws Exception {
        ChatClient client = TestRelays.client(dir.resolve(home), mitm.url(), listener).build();
        open.add(client);
        client.synced().get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Adds device {@code id} to the account of {@code first}, as linking would. */
    private void addDevice(String first, String home, int id) {
        OwnDevices.add(dir.resolve(first), dir.resolve(home), relay.url(), id);
    }

    /** Waits for the send's outcome: the refusal it failed with. */
    private static ChatException failed(OutgoingMessage m) {
        ExecutionException e =
                assertThrows(
                        ExecutionException.class, () -> m.accepted().get(30, TimeUnit.SECONDS));
        ChatException refused = (ChatException) e.getCause();
        assertEquals(MessageState.FAILED, m.state());
        return refused;
    }

    private String bobId() {
        return bob.accountId().value();
    }

    @Test
    void aDeviceTheRelayHidesFromTheSenderFailsTheSendNamingIt() throws Exception {
        addDevice("b1", "b2", 2);
        addDevice("b1", "b3", 3);
        // the relay leaves Bob's device 3 out of his bundles and never says it is missing
        mitm.tamper(
                (account, f) -> {
                    if (f instanceof Frame.Bundles b && b.accountId().equals(bobId())) {
                        return List.of(
                                new Frame.Bundles(
                                        b.requestId(),
                                        b.accountId(),
                                        b.devices().stream()
                                                .filter(d -> d.deviceId() != 3)
                                                .toList(),
                                        b.deviceList()));
                    }
                    if (f instanceof Frame.MismatchedDevices m) {
                        List<Frame.DeviceMismatch> kept = new ArrayList<>();
                        for (Frame.DeviceMismatch dm : m.mismatches()) {
                            kept.add(
                                    new Frame.DeviceMismatch(
                                            dm.accountId(),
                                            dm.missing().stream().filter(d -> d != 3).toList(),
                                            dm.extra(),
                                            dm.stale()));
                        }
                        return List.of(new Frame.MismatchedDevices(m.clientMsgId(), kept));
                    }
                    return List.of(f);
                });
        RecordingListener aliceEvents = new RecordingListener();
        ChatClient a1 = connect("a1", aliceEvents);

        OutgoingMessage m = a1.send(bob.accountId(), "for all of bob's devices");
        ChatException refused = failed(m);
        assertEquals(ChatException.Reason.REJECTED, refused.reason());
        assertTrue(refused.getMessage().contains("device 3 of " + bobId()), refused.getMessage());
        assertTrue(refused.getMessage().contains("hiding"), refused.getMessage());
        String reason = aliceEvents.awaitFailure();
        assertTrue(reason.contains("device 3"), reason);

        // honest again: all three of Bob's devices get it
        mitm.tamper((account, f) -> List.of(f));
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "again").accepted().get(30, TimeUnit.SECONDS));
        for (String home : List.of("b1", "b2", "b3")) {
            RecordingListener events = new RecordingListener();
            try (ChatClient device =
                    TestRelays.client(dir.resolve(home), relay.url(), events).build()) {
                assertEquals("again", events.awaitMessages(1).get(0).text(), home);
            }
        }
    }

    @Test
    void anOlderListAfterANewerOneWasSeenIsRefused() throws Exception {
        AtomicReference<byte[]> firstList = new AtomicReference<>();
        AtomicReference<Boolean> rollBack = new AtomicReference<>(false);
        AtomicBoolean fakeExtra = new AtomicBoolean();
        mitm.tamper(
                (account, f) -> {
                    if (f instanceof Frame.Bundles b && b.accountId().equals(bobId())) {
                        firstList.compareAndSet(null, b.deviceList());
                        if (rollBack.get()) {
                            // version 1, which names only device 1, with device 1's keys
                            return List.of(
                                    new Frame.Bundles(
                                            b.requestId(),
                                            b.accountId(),
                                            b.devices().stream()
                                                    .filter(d -> d.deviceId() == 1)
                                                    .toList(),
                                            firstList.get()));
                        }
                    }
                    if (f instanceof Frame.Accepted a && fakeExtra.compareAndSet(true, false)) {
                        // to make the sender ask for Bob's bundles again: "device 2 is gone"
                        // (Alice sends nothing else meanwhile: Bob's devices are offline)
                        return List.of(
                                new Frame.MismatchedDevices(
                                        a.clientMsgId(),
                                        List.of(
                                                new Frame.DeviceMismatch(
                                                        bobId(),
                                                        List.of(),
                                                        List.of(2),
                                                        List.of()))));
                    }
                    return List.of(f);
                });
        RecordingListener aliceEvents = new RecordingListener();
        ChatClient a1 = connect("a1", aliceEvents);
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "one device").accepted().get(30, TimeUnit.SECONDS));
        assertNotNull(firstList.get(), "the relay handed out Bob's first list");

        addDevice("b1", "b2", 2);
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "two devices").accepted().get(30, TimeUnit.SECONDS));

        rollBack.set(true);
        fakeExtra.set(true);
        ChatException refused = failed(a1.send(bob.accountId(), "rolled back"));
        assertTrue(refused.getMessage().contains("version 1"), refused.getMessage());
        assertTrue(refused.getMessage().contains("older than version 2"), refused.getMessage());
    }

    @Test
    void aNewerListLearnedFromTheAccountsOwnMessageCannotBeHidden() throws Exception {
        String aliceId = alice.accountId().value();
        AtomicReference<byte[]> firstList = new AtomicReference<>();
        AtomicBoolean hide = new AtomicBoolean();
        mitm.tamper(
                (account, f) -> {
                    if (!aliceId.equals(account) || !hide.get()) {
                        if (f instanceof Frame.Bundles b && b.accountId().equals(bobId())) {
                            firstList.compareAndSet(null, b.deviceList());
                        }
                        return List.of(f);
                    }
                    // to Alice only: Bob's first list and device, and never "device 2 missing"
                    if (f instanceof Frame.Bundles b && b.accountId().equals(bobId())) {
                        return List.of(
                                new Frame.Bundles(
                                        b.requestId(),
                                        b.accountId(),
                                        b.devices().stream()
                                                .filter(d -> d.deviceId() == 1)
                                                .toList(),
                                        firstList.get()));
                    }
                    if (f instanceof Frame.MismatchedDevices m) {
                        List<Frame.DeviceMismatch> kept = new ArrayList<>();
                        for (Frame.DeviceMismatch dm : m.mismatches()) {
                            kept.add(
                                    new Frame.DeviceMismatch(
                                            dm.accountId(),
                                            dm.missing().stream().filter(d -> d != 2).toList(),
                                            dm.extra(),
                                            dm.stale()));
                        }
                        return List.of(new Frame.MismatchedDevices(m.clientMsgId(), kept));
                    }
                    return List.of(f);
                });
        RecordingListener aliceEvents = new RecordingListener();
        ChatClient a1 = connect("a1", aliceEvents);
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "hi bob").accepted().get(30, TimeUnit.SECONDS));

        addDevice("b1", "b2", 2); // version 2; the relay keeps it from Alice
        hide.set(true);
        ChatClient b1 = connect("b1", new RecordingListener());
        assertEquals(
                MessageState.SENT,
                b1.send(alice.accountId(), "hi alice").accepted().get(30, TimeUnit.SECONDS));
        assertEquals("hi alice", aliceEvents.awaitMessages(1).get(0).text());

        // Bob's message carried version 2: Alice will not send on version 1
        ChatException refused = failed(a1.send(bob.accountId(), "reply"));
        assertTrue(refused.getMessage().contains("version 2"), refused.getMessage());
        assertTrue(refused.getMessage().contains(bobId()), refused.getMessage());

        hide.set(false);
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "reply again").accepted().get(30, TimeUnit.SECONDS));
    }

    @Test
    void aDeviceTheListDoesNotNameIsRefusedEvenWithGenuineKeys() throws Exception {
        // the relay copies Bob's real device 1 (valid signatures, keys only device 1 can use) as a
        // device 9 of his: the bundle verifies, but the signed list names no device 9
        mitm.tamper(
                (account, f) -> {
                    if (f instanceof Frame.Bundles b && b.accountId().equals(bobId())) {
                        Frame.PreKeyBundle real = b.devices().get(0);
                        List<Frame.PreKeyBundle> devices = new ArrayList<>(b.devices());
                        devices.add(
                                new Frame.PreKeyBundle(
                                        9,
                                        real.registrationId(),
                                        real.identityKey(),
                                        real.signedPreKey(),
                                        real.kyberPreKey(),
                                        real.oneTimePreKey()));
                        return List.of(
                                new Frame.Bundles(
                                        b.requestId(), b.accountId(), devices, b.deviceList()));
                    }
                    return List.of(f);
                });
        ChatClient a1 = connect("a1", new RecordingListener());
        ChatException refused = failed(a1.send(bob.accountId(), "to bob"));
        assertTrue(refused.getMessage().contains("device 9 of " + bobId()), refused.getMessage());
        assertTrue(refused.getMessage().contains("signed device list"), refused.getMessage());

        mitm.tamper((account, f) -> List.of(f));
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "honest").accepted().get(30, TimeUnit.SECONDS));
    }

    @Test
    void aDeviceThatItsAccountsNewestListLeavesOutSaysSoOnConnect() throws Exception {
        addDevice("b1", "b2", 2);
        // version 3 without device 2, as device 1 would sign it when removing device 2
        byte[] withoutTwo;
        try (dev.cipherline.sdk.internal.store.Database db =
                dev.cipherline.sdk.internal.store.Database.openUnprotected(dir.resolve("b1"))) {
            dev.cipherline.crypto.Identity bobIdentity =
                    dev.cipherline.crypto.Identity.fromSerialized(
                            new dev.cipherline.sdk.internal.store.IdentityStore(db)
                                    .load()
                                    .orElseThrow()
                                    .identityKeyPair());
            dev.cipherline.crypto.DeviceList v2 =
                    dev.cipherline.crypto.DeviceList.parse(
                            new dev.cipherline.sdk.internal.store.DeviceListStore(db)
                                    .pinned(bobId()));
            withoutTwo = v2.without(2).sign(bobIdentity);
        }
        // a relay that keeps device 2 registered but shows it the list that removed it
        mitm.tamper(
                (account, f) ->
                        f instanceof Frame.Devices d
                                ? List.of(new Frame.Devices(d.requestId(), d.devices(), withoutTwo))
                                : List.of(f));
        RecordingListener b2Events = new RecordingListener();
        connect("b2", b2Events);
        ChatException removed = b2Events.awaitError();
        assertEquals(ChatException.Reason.DEVICE_REMOVED, removed.reason());
        assertTrue(removed.getMessage().contains("version 3"), removed.getMessage());
    }

    @Test
    void linkingAndRemovingDevicesKeepWorkingWithoutAWarning() throws Exception {
        addDevice("b1", "b2", 2);
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener b1Events = new RecordingListener();
        ChatClient a1 = connect("a1", aliceEvents);
        ChatClient b1 = connect("b1", b1Events);
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "to both").accepted().get(30, TimeUnit.SECONDS));
        assertEquals("to both", b1Events.awaitMessages(1).get(0).text());

        b1.devices().remove(2);
        assertEquals(List.of(1), b1.devices().list().stream().map(DeviceInfo::deviceId).toList());
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "to one").accepted().get(30, TimeUnit.SECONDS));
        assertEquals("to one", b1Events.awaitMessages(1).get(0).text());
        // a device linked after the removal takes the next version
        b1.close();
        open.remove(b1);
        addDevice("b1", "b3", 2);
        assertEquals(
                MessageState.SENT,
                a1.send(bob.accountId(), "to the new one").accepted().get(30, TimeUnit.SECONDS));
        assertTrue(aliceEvents.drainErrors().isEmpty(), "no warning");
        assertEquals(0, a1.flush(Duration.ofSeconds(30)));
    }
}
