package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.crypto.Identity;
import dev.cipherline.relay.RelayServer;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.SignalStore;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKeyPair;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

/**
 * The local store at rest: after real conversations through a real relay, the SQLite file and its
 * write-ahead log hold no message text, no private key and no session state in clear; the
 * passphrase or app key is needed to open it; changing the passphrase re-wraps the key only.
 */
class AtRestEncryptionTest {
    private static final String SECRET_1 = "the treasure is under the old oak tree";
    private static final String SECRET_2 = "reply: bring two shovels and a lantern";

    @TempDir Path dir;

    private RelayServer relay;
    private final char[] alicePassphrase = "correct horse battery staple".toCharArray();
    private final byte[] bobKey = new byte[32];

    @BeforeEach
    void setUp() throws Exception {
        relay = TestRelays.start(dir.resolve("relay"));
        new SecureRandom().nextBytes(bobKey);
    }

    @AfterEach
    void tearDown() {
        relay.close();
    }

    private ChatClient open(String who, StoreProtection protection, ChatListener listener) {
        return TestRelays.client(dir.resolve(who), relay.url(), listener)
                .protection(protection)
                .build();
    }

    private AccountInfo[] converse() throws Exception {
        AccountInfo alice =
                ChatClient.initialize(
                        dir.resolve("alice"),
                        relay.url(),
                        "alice",
                        StoreProtection.passphrase(alicePassphrase));
        AccountInfo bob =
                ChatClient.initialize(
                        dir.resolve("bob"), relay.url(), "bob", StoreProtection.appKey(bobKey));
        RecordingListener aliceEvents = new RecordingListener();
        RecordingListener bobEvents = new RecordingListener();
        try (ChatClient a =
                        open("alice", StoreProtection.passphrase(alicePassphrase), aliceEvents);
                ChatClient b = open("bob", StoreProtection.appKey(bobKey), bobEvents)) {
            a.send(bob.accountId(), SECRET_1).accepted().get(30, TimeUnit.SECONDS);
            assertEquals(SECRET_1, bobEvents.awaitMessages(1).get(0).text());
            b.send(alice.accountId(), SECRET_2).accepted().get(30, TimeUnit.SECONDS);
            assertEquals(SECRET_2, aliceEvents.awaitMessages(1).get(0).text());
            // the files as they are while both are open, write-ahead logs included
            snapshot(dir.resolve("alice"), dir.resolve("alice-open"));
            snapshot(dir.resolve("bob"), dir.resolve("bob-open"));
        }
        // the secrets are read through a store of its own, which opens once the client closed
        assertNoSecretsIn(dir.resolve("alice-open"), secretsOf("alice", alice, bob));
        assertNoSecretsIn(dir.resolve("bob-open"), secretsOf("bob", bob, alice));
        return new AccountInfo[] {alice, bob};
    }

    private static void snapshot(Path home, Path copy) throws Exception {
        Files.createDirectories(copy);
        try (var list = Files.list(home)) {
            for (Path file : list.toList()) {
                if (file.getFileName().toString().startsWith(Database.FILE_NAME)) {
                    Files.copy(file, copy.resolve(file.getFileName()));
                }
            }
        }
    }

    @Test
    void theFilesHoldNoPlaintextNoPrivateKeyAndNoSessionState() throws Exception {
        AccountInfo[] accounts = converse();
        // and after closing (the log is checkpointed into the file)
        assertNoSecretsIn(dir.resolve("alice"), secretsOf("alice", accounts[0], accounts[1]));
        // the scan does find what is stored in clear (metadata such as the peer's account ID)
        byte[] file = Files.readAllBytes(dir.resolve("alice").resolve(Database.FILE_NAME));
        assertTrue(
                indexOf(file, accounts[1].accountId().value().getBytes(StandardCharsets.US_ASCII))
                        >= 0,
                "the scan cannot see the file's contents");
        assertNoSecretsIn(dir.resolve("bob"), secretsOf("bob", accounts[1], accounts[0]));
    }

    @Test
    void theStoreOpensOnlyWithItsPassphraseOrKey() throws Exception {
        converse();
        for (StoreProtection wrong :
                List.of(
                        StoreProtection.passphrase("Correct horse battery staple".toCharArray()),
                        StoreProtection.none(),
                        StoreProtection.appKey(bobKey))) {
            ChatException e =
                    assertThrows(
                            ChatException.class,
                            () -> open("alice", wrong, new RecordingListener()));
            assertEquals(ChatException.Reason.LOCKED, e.reason(), wrong.toString());
            assertTrue(!e.getMessage().contains("correct horse"), e.getMessage());
        }
        byte[] otherKey = bobKey.clone();
        otherKey[0] ^= 1;
        assertEquals(
                ChatException.Reason.LOCKED,
                assertThrows(
                                ChatException.class,
                                () ->
                                        open(
                                                "bob",
                                                StoreProtection.appKey(otherKey),
                                                new RecordingListener()))
                        .reason());
        try (ChatClient a =
                open(
                        "alice",
                        StoreProtection.passphrase(alicePassphrase),
                        new RecordingListener())) {
            assertEquals(2, a.history().page(a.conversations().get(0).peer(), 10, null).size());
        }
    }

    @Test
    void changingThePassphraseRewrapsTheKeyWithoutTouchingTheRows() throws Exception {
        converse();
        Path alice = dir.resolve("alice");
        Map<String, byte[]> before = sealedValues(alice);
        char[] next = "a much longer passphrase, now".toCharArray();

        assertEquals(
                ChatException.Reason.LOCKED,
                assertThrows(
                                ChatException.class,
                                () ->
                                        ChatClient.changeProtection(
                                                alice,
                                                StoreProtection.passphrase("wrong".toCharArray()),
                                                StoreProtection.passphrase(next)))
                        .reason());
        ChatClient.changeProtection(
                alice,
                StoreProtection.passphrase(alicePassphrase),
                StoreProtection.passphrase(next));

        Map<String, byte[]> after = sealedValues(alice);
        assertEquals(before.keySet(), after.keySet());
        for (String place : before.keySet()) {
            assertArrayEquals(before.get(place), after.get(place), place + " was re-encrypted");
        }
        assertEquals(
                ChatException.Reason.LOCKED,
                assertThrows(
                                ChatException.class,
                                () ->
                                        open(
                                                "alice",
                                                StoreProtection.passphrase(alicePassphrase),
                                                new RecordingListener()))
                        .reason());
        try (ChatClient a =
                open("alice", StoreProtection.passphrase(next), new RecordingListener())) {
            List<StoredMessage> history =
                    a.history().page(a.conversations().get(0).peer(), 10, null);
            assertEquals(SECRET_2, history.get(0).text());
            assertEquals(SECRET_1, history.get(1).text());
        }
    }

    @Test
    void anAlteredValueIsReportedNotReturned() throws Exception {
        converse();
        Path alice = dir.resolve("alice");
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + alice.resolve(Database.FILE_NAME));
                Statement s = c.createStatement()) {
            // move bob's reply text onto alice's own message: both decrypt alone, not swapped
            s.execute(
                    "UPDATE messages SET text = (SELECT text FROM messages WHERE direction = 0)"
                            + " WHERE direction = 1");
        }
        try (ChatClient a =
                open(
                        "alice",
                        StoreProtection.passphrase(alicePassphrase),
                        new RecordingListener())) {
            ChatException e =
                    assertThrows(
                            ChatException.class,
                            () -> a.history().page(a.conversations().get(0).peer(), 10, null));
            assertEquals(ChatException.Reason.STORE_FAILURE, e.reason());
            assertTrue(e.getMessage().contains("does not authenticate"), e.getMessage());
        }
    }

    /** The values a thief of the files must not find: text, private keys, session state. */
    private Map<String, byte[]> secretsOf(String who, AccountInfo self, AccountInfo peer)
            throws Exception {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        secrets.put("message 1", SECRET_1.getBytes(StandardCharsets.UTF_8));
        secrets.put("message 2", SECRET_2.getBytes(StandardCharsets.UTF_8));
        StoreKeyTable.Unlock unlock =
                who.equals("alice")
                        ? new StoreKeyTable.Unlock(
                                StoreKeyTable.Scheme.PASSPHRASE, alicePassphrase, null)
                        : new StoreKeyTable.Unlock(StoreKeyTable.Scheme.APP_KEY, null, bobKey);
        // the store, opened through the SDK's own decryption
        try (Database db = Database.open(dir.resolve(who), unlock)) {
            LocalIdentity local = new IdentityStore(db).load().orElseThrow();
            Identity identity = Identity.fromSerialized(local.identityKeyPair());
            secrets.put("identity key pair", local.identityKeyPair());
            secrets.put(
                    "identity private key",
                    new IdentityKeyPair(local.identityKeyPair()).getPrivateKey().serialize());
            secrets.put("auth private key", local.authPrivateKey());
            SignalStore store =
                    new SignalStore(db, local.identityKeyPair(), local.registrationId());
            byte[] session =
                    store.loadSession(new SignalProtocolAddress(peer.accountId().value(), 1))
                            .serialize();
            secrets.put("session record", session);
            secrets.put("session record (middle)", Arrays.copyOfRange(session, 40, 72));
            SignedPreKeyRecord signed = store.loadSignedPreKeys().get(0);
            secrets.put(
                    "signed prekey private key", signed.getKeyPair().getPrivateKey().serialize());
            assertEquals(self.accountId().value(), identity.accountId());
        }
        return secrets;
    }

    private static void assertNoSecretsIn(Path home, Map<String, byte[]> secrets) throws Exception {
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(home)) {
            list.filter(p -> p.getFileName().toString().startsWith(Database.FILE_NAME))
                    .forEach(files::add);
        }
        assertTrue(files.contains(home.resolve(Database.FILE_NAME)), files.toString());
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (Map.Entry<String, byte[]> secret : secrets.entrySet()) {
                if (indexOf(bytes, secret.getValue()) >= 0) {
                    fail(secret.getKey() + " found in clear in " + file.getFileName());
                }
            }
        }
    }

    /** The sealed columns' raw bytes, by table, column and rowid. */
    private static Map<String, byte[]> sealedValues(Path home) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + home.resolve(Database.FILE_NAME));
                Statement s = c.createStatement()) {
            for (String[] col :
                    new String[][] {
                        {"identity", "identity_key_pair"},
                        {"sessions", "record"},
                        {"prekeys", "record"},
                        {"messages", "text"}
                    }) {
                try (ResultSet rs = s.executeQuery("SELECT rowid, " + col[1] + " FROM " + col[0])) {
                    while (rs.next()) {
                        out.put(col[0] + "." + col[1] + "#" + rs.getLong(1), rs.getBytes(2));
                    }
                }
            }
        }
        assertTrue(
                out.size() > 100, "prekeys, a session, the identity and messages: " + out.size());
        return out;
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
