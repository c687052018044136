package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safety numbers and verification between real clients through a real relay. */
class SafetyNumberRelayTest {
    @TempDir Path dir;

    private RelayServer relay;
    private AccountInfo alice;
    private AccountInfo bob;
    private AccountInfo carol;

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        alice = ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
        bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob");
        carol = ChatClient.initialize(dir.resolve("carol"), relay.url(), "carol");
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private ChatClient open(String who, ChatListener listener) {
        return TestRelays.client(dir.resolve(who), relay.url(), listener).build();
    }

    @Test
    void bothSidesSeeTheSameNumberAndVerificationIsRemembered() throws Exception {
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a = open("alice", aliceEvents);
                ChatClient b = open("bob", bobEvents)) {
            a.contacts().add("bob", bob.accountId());
            // no message yet: no key to compute from
            ChatException none =
                    assertThrows(
                            ChatException.class,
                            () -> a.verification().safetyNumber(bob.accountId()));
            assertEquals(ChatException.Reason.REJECTED, none.reason());
            assertTrue(none.getMessage().contains("send them a message"), none.getMessage());
            assertEquals(
                    ChatException.Reason.INVALID_ARGUMENT,
                    assertThrows(
                                    ChatException.class,
                                    () -> a.verification().safetyNumber(alice.accountId()))
                            .reason());

            a.send(bob.accountId(), "hi").accepted().get(30, TimeUnit.SECONDS);
            bobEvents.awaitMessages(1);

            SafetyNumber fromAlice = a.verification().safetyNumber(bob.accountId());
            SafetyNumber fromBob = b.verification().safetyNumber(alice.accountId());
            assertEquals(fromAlice.digits(), fromBob.digits());
            assertEquals(bob.accountId(), fromAlice.peer());
            assertFalse(fromAlice.verified());
            assertEquals(3, fromAlice.formatted().lines().count());
            assertFalse(a.contacts().byName("bob").orElseThrow().verified());

            SafetyNumber confirmed = a.verification().markVerified(bob.accountId());
            assertTrue(confirmed.verified());
            assertEquals(fromAlice.digits(), confirmed.digits());
            assertTrue(a.verification().safetyNumber(bob.accountId()).verified());
            assertTrue(a.contacts().byName("bob").orElseThrow().verified());
            assertTrue(a.contacts().list().get(0).verified());
            // verification is one-sided: bob has not compared yet
            assertFalse(b.verification().safetyNumber(alice.accountId()).verified());
        }
        // and it survives a restart
        try (ChatClient a = open("alice", new RecordingListener())) {
            assertTrue(a.verification().safetyNumber(bob.accountId()).verified());
        }
    }

    @Test
    void anotherPairHasAnotherNumber() throws Exception {
        RecordingListener bobEvents = new RecordingListener();
        RecordingListener carolEvents = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener());
                ChatClient b = open("bob", bobEvents);
                ChatClient c = open("carol", carolEvents)) {
            a.send(bob.accountId(), "hi bob").accepted().get(30, TimeUnit.SECONDS);
            a.send(carol.accountId(), "hi carol").accepted().get(30, TimeUnit.SECONDS);
            bobEvents.awaitMessages(1);
            carolEvents.awaitMessages(1);
            assertNotEquals(
                    a.verification().safetyNumber(bob.accountId()).digits(),
                    a.verification().safetyNumber(carol.accountId()).digits());
            assertEquals(
                    a.verification().safetyNumber(carol.accountId()).digits(),
                    c.verification().safetyNumber(alice.accountId()).digits());
        }
    }
}
