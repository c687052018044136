package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/**
 * Bob starts over with a new identity (so a new account ID) and alice re-points her contact: the
 * old history stays, the contact is no longer verified, the app is told, and with the hold setting
 * new messages wait until alice accepts the change.
 */
class IdentityChangeRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private AccountInfo alice;
    private AccountInfo oldBob;
    private AccountInfo newBob;

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        oldBob = ChatClient.initialize(dir.resolve("bob-old"), relay.url(), "bob");
        newBob = ChatClient.initialize(dir.resolve("bob-new"), relay.url(), "bob");
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private ChatClient open(String who, ChatListener listener, boolean hold) {
        return TestRelays.client(dir.resolve(who), relay.url(), listener)
                .holdOnIdentityChange(hold)
                .build();
    }

    @Test
    void aChangedIdentityIsReportedUnverifiedAndHoldsMessagesUntilAccepted() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener oldBobEvents = new RecordingListener();
        RecordingListener newBobEvents = new RecordingListener();
        try (ChatClient a = open("alice", aliceEvents, true);
                ChatClient ob = open("bob-old", oldBobEvents, false);
                ChatClient nb = open("bob-new", newBobEvents, false)) {
            a.contacts().add("bob", oldBob.accountId());
            a.send(a.contacts().resolve("bob"), "hi old bob").accepted().get(30, TimeUnit.SECONDS);
            oldBobEvents.awaitMessages(1);
            a.verification().markVerified(oldBob.accountId());
            assertTrue(a.contacts().byName("bob").orElseThrow().verified());

            Contact changed = a.verification().changeIdentity("bob", newBob.accountId());
            assertEquals(newBob.accountId(), changed.accountId());
            assertEquals(oldBob.accountId(), changed.identityChangedFrom());
            assertFalse(changed.verified(), "the new identity is not verified");
            assertEquals(changed, aliceEvents.awaitIdentityChange());
            assertEquals(
                    List.of("hi old bob"),
                    a.history().page(oldBob.accountId(), 10, null).stream()
                            .map(StoredMessage::text)
                            .toList(),
                    "the old history stays");

            OutgoingMessage held = a.send(a.contacts().resolve("bob"), "is this really you?");
            assertEquals(1, a.flush(Duration.ofSeconds(2)), "held, not sent");
            assertEquals(MessageState.PENDING, held.state());
            assertEquals(List.of(), newBobEvents.drainMessages());

            assertTrue(a.verification().acceptIdentityChange(newBob.accountId()));
            assertFalse(
                    a.verification().acceptIdentityChange(newBob.accountId()),
                    "nothing left to accept");
            assertEquals(MessageState.SENT, held.accepted().get(30, TimeUnit.SECONDS));
            assertEquals("is this really you?", newBobEvents.awaitMessages(1).get(0).text());
            assertNull(a.contacts().byName("bob").orElseThrow().identityChangedFrom());
            assertEquals(List.of(), oldBobEvents.drainMessages());
        }
    }

    @Test
    void verifyingTheNewNumberAcceptsTheChangeAndWithoutHoldNothingWaits() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener newBobEvents = new RecordingListener();
        try (ChatClient a = open("alice", aliceEvents, false);
                ChatClient nb = open("bob-new", newBobEvents, false)) {
            a.contacts().add("bob", oldBob.accountId());
            assertEquals(
                    ChatException.Reason.UNKNOWN_CONTACT,
                    assertThrows(
                                    ChatException.class,
                                    () ->
                                            a.verification()
                                                    .changeIdentity("robert", newBob.accountId()))
                            .reason());
            a.verification().changeIdentity("bob", newBob.accountId());
            aliceEvents.awaitIdentityChange();
            // no hold: sent at once
            a.send(a.contacts().resolve("bob"), "straight through")
                    .accepted()
                    .get(30, TimeUnit.SECONDS);
            newBobEvents.awaitMessages(1);
            a.verification().markVerified(newBob.accountId());
            Contact bob = a.contacts().byName("bob").orElseThrow();
            assertTrue(bob.verified());
            assertNull(bob.identityChangedFrom());
        }
    }
}
