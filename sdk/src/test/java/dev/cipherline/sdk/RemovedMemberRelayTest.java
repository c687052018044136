package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.crypto.CryptoException;
import dev.cipherline.crypto.GroupCrypto;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.SignalStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A removed member that gets hold of a group envelope sent after its removal (here: read from the
 * relay's own store, as a hostile relay would hand it over) cannot decrypt it with everything its
 * SDK stored.
 */
class RemovedMemberRelayTest {
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

    private ChatClient open(String who, ChatListener listener) {
        return ChatClient.builder()
                .home(dir.resolve(who))
                .listener(listener)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }

    /** The shared body the relay holds for the group message {@code id} (queued for bob). */
    private byte[] storedBody(MessageId id) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + dir.resolve("relay").resolve("relay.db"));
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT b.data FROM queue q JOIN bodies b ON b.id = q.body_id"
                                        + " WHERE q.client_msg_id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }

    @Test
    void aRemovedMemberCannotDecryptWhatIsSentAfterItsRemoval() throws Exception {
        AccountId alice =
                ChatClient.initialize(dir.resolve("alice"), relay.url(), null).accountId();
        AccountId bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), null).accountId();
        AccountId carol =
                ChatClient.initialize(dir.resolve("carol"), relay.url(), null).accountId();
        RecordingListener bobIn = new RecordingListener();
        RecordingListener carolIn = new RecordingListener();
        MessageId before;
        MessageId after;
        try (ChatClient a = open("alice", new RecordingListener())) {
            try (ChatClient c = open("carol", carolIn)) {
                try (ChatClient b = open("bob", bobIn)) {
                    a.groups().create("team", List.of(bob, carol));
                    bobIn.awaitGroup(g -> g.epoch() == 1);
                    carolIn.awaitGroup(g -> g.epoch() == 1);
                }
                // bob is offline from here on, so his queue keeps every envelope
                OutgoingMessage first =
                        a.groups().send(a.groups().resolve("team"), "before the removal");
                assertEquals(MessageState.SENT, first.accepted().get(30, TimeUnit.SECONDS));
                assertEquals("before the removal", carolIn.awaitMessages(1).get(0).text());
                before = first.id();

                a.groups().removeMembers(a.groups().resolve("team"), List.of(carol));
                assertFalse(carolIn.awaitGroup(g -> g.epoch() == 2).active());
                OutgoingMessage second =
                        a.groups().send(a.groups().resolve("team"), "after the removal");
                assertEquals(MessageState.SENT, second.accepted().get(30, TimeUnit.SECONDS));
                after = second.id();
                c.synced().get(30, TimeUnit.SECONDS);
                assertEquals(List.of(), carolIn.drainMessages());
            }
        }

        byte[] oldEnvelope = storedBody(before);
        byte[] newEnvelope = storedBody(after);
        try (Database db = Database.openUnprotected(dir.resolve("carol"))) {
            LocalIdentity id = new IdentityStore(db).load().orElseThrow();
            GroupCrypto carolKeys =
                    new GroupCrypto(new SignalStore(db, id.identityKeyPair(), id.registrationId()));
            // carol held alice's key before the removal: the old envelope is one she already read
            CryptoException seen =
                    assertThrows(
                            CryptoException.class,
                            () -> carolKeys.decrypt(alice.value(), 1, oldEnvelope));
            assertEquals(CryptoException.Reason.DUPLICATE_MESSAGE, seen.reason());
            // alice rotated: nothing carol stored opens the new one
            CryptoException locked =
                    assertThrows(
                            CryptoException.class,
                            () -> carolKeys.decrypt(alice.value(), 1, newEnvelope));
            assertEquals(CryptoException.Reason.NO_SESSION, locked.reason());
        }

        // bob, still a member, reads both when he comes back
        RecordingListener bobBack = new RecordingListener();
        try (ChatClient b = open("bob", bobBack)) {
            assertEquals(
                    List.of("before the removal", "after the removal"),
                    bobBack.awaitMessages(2).stream().map(IncomingMessage::text).toList());
        }
    }
}
