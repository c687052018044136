package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.StoreProtection;
import dev.cipherline.sdk.internal.store.Database;
import dev.cipherline.sdk.internal.store.IdentityStore;
import dev.cipherline.sdk.internal.store.LocalIdentity;
import dev.cipherline.sdk.internal.store.StoreKeyTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.IdentityKeyPair;

/**
 * No log holds message content or key material. A whole conversation runs (two SDK clients and the
 * CLI through a relay process writing JSON logs: 1:1 both ways, a group message, a message from the
 * terminal) with every Cipherline logger at its most verbose; then each log (the relay's,
 * everything the SDK logged in this JVM, the CLI's output) is searched for the plaintexts, the
 * group's name, the identity and auth private keys of every account (hex, base64, base64url), the
 * app key and the passphrase that protect the stores at rest, and a store's data key.
 */
class LogsHoldNoSecretsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    /** Keeps every record logged in this JVM, formatted as a console handler would print it. */
    private static final class Capture extends Handler {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final SimpleFormatter text = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(text.format(record));
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    line.append(' ').append(p);
                }
            }
            if (record.getThrown() != null) {
                StringWriter stack = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(stack));
                line.append(stack);
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @Test
    void aWholeConversationLeavesNoPlaintextAndNoKeyInAnyLog() throws Exception {
        Logger root = Logger.getLogger("");
        Logger cipherline = Logger.getLogger("dev.cipherline");
        Level rootLevel = root.getLevel();
        Capture sdkLog = new Capture();
        sdkLog.setLevel(Level.ALL);
        root.addHandler(sdkLog);
        root.setLevel(Level.ALL);
        cipherline.setLevel(Level.ALL);

        Path logging = dir.resolve("relay-logging.properties");
        Files.writeString(
                logging,
                "handlers=java.util.logging.ConsoleHandler\n"
                        + ".level=INFO\n"
                        + "dev.cipherline.level=ALL\n"
                        + "java.util.logging.ConsoleHandler.level=ALL\n");

        byte[] aliceAppKey = new byte[32];
        new SecureRandom().nextBytes(aliceAppKey);
        String bobPassphrase = "bob's passphrase is a secret of its own 7x!";
        StoreProtection aliceProtection = StoreProtection.appKey(aliceAppKey);
        StoreProtection bobProtection = StoreProtection.passphrase(bobPassphrase.toCharArray());

        Map<String, String> plaintexts = new LinkedHashMap<>();
        plaintexts.put("alice to bob", "canary-one-to-one: the heron flies at dawn 4815");
        plaintexts.put("bob to alice", "canary-reply: the otter sleeps by the mill 1623");
        plaintexts.put("alice to the group", "canary-group: meet under the third lantern 4242");
        plaintexts.put("carol from the terminal", "canary-cli: the kettle is on, come round 9087");
        String groupName = "canary group of the silver birch";

        List<Cli.Result> cliRuns = new ArrayList<>();
        String relayLog;
        try (RelayProcess relay =
                RelayProcess.start(
                        dir.resolve("relay"),
                        0,
                        List.of("-Djava.util.logging.config.file=" + logging),
                        "--log-format",
                        "json")) {
            AccountInfo alice =
                    ChatClient.initialize(
                            dir.resolve("alice"), relay.url(), "alice", aliceProtection);
            AccountInfo bob =
                    ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob", bobProtection);
            Cli carol = new Cli(dir.resolve("carol"));
            Cli.Result carolInit =
                    carol.run("init", "--relay", relay.url().toString(), "--no-passphrase");
            cliRuns.add(carolInit);
            assertEquals(0, carolInit.exitCode(), carolInit.toString());

            RecordingListener aliceInbox = new RecordingListener();
            RecordingListener bobInbox = new RecordingListener();
            try (ChatClient a = open("alice", aliceProtection, aliceInbox);
                    ChatClient b = open("bob", bobProtection, bobInbox)) {
                Accounts.sendAll(a, bob.accountId(), List.of(plaintexts.get("alice to bob")));
                assertEquals(
                        plaintexts.get("alice to bob"),
                        bobInbox.awaitMessages(1, Duration.ofMinutes(1)).get(0).text());

                Accounts.sendAll(b, alice.accountId(), List.of(plaintexts.get("bob to alice")));
                assertEquals(
                        plaintexts.get("bob to alice"),
                        aliceInbox.awaitMessages(1, Duration.ofMinutes(1)).get(0).text());

                Group group = a.groups().create(groupName, List.of(bob.accountId()));
                a.groups()
                        .send(group.id(), plaintexts.get("alice to the group"))
                        .accepted()
                        .get(60, TimeUnit.SECONDS);
                IncomingMessage inGroup = bobInbox.awaitMessages(1, Duration.ofMinutes(1)).get(0);
                assertEquals(plaintexts.get("alice to the group"), inGroup.text());
                assertEquals(group.id(), inGroup.group());

                Cli.Result contact =
                        carol.run("contact", "add", "alice", alice.accountId().toString());
                cliRuns.add(contact);
                assertEquals(0, contact.exitCode(), contact.toString());
                Cli.Result sent =
                        carol.run("send", "alice", plaintexts.get("carol from the terminal"));
                cliRuns.add(sent);
                assertEquals(0, sent.exitCode(), sent.toString());
                assertEquals(
                        plaintexts.get("carol from the terminal"),
                        aliceInbox.awaitMessages(1, Duration.ofMinutes(1)).get(0).text());
            }
            assertEquals(0, relay.stop());
            relayLog = relay.log();
        } finally {
            root.removeHandler(sdkLog);
            root.setLevel(rootLevel);
            cipherline.setLevel(null);
        }

        Map<String, String> secrets = new LinkedHashMap<>();
        plaintexts.forEach((what, text) -> secrets.put("the plaintext " + what, text));
        secrets.put("the group's name", groupName);
        secrets.put("bob's passphrase", bobPassphrase);
        addBytes(secrets, "alice's app key", aliceAppKey);
        addKeys(
                secrets,
                "alice",
                dir.resolve("alice"),
                new StoreKeyTable.Unlock(StoreKeyTable.Scheme.APP_KEY, null, aliceAppKey));
        addKeys(
                secrets,
                "bob",
                dir.resolve("bob"),
                new StoreKeyTable.Unlock(
                        StoreKeyTable.Scheme.PASSPHRASE, bobPassphrase.toCharArray(), null));
        addKeys(secrets, "carol", dir.resolve("carol"), StoreKeyTable.Unlock.NONE);
        addBytes(secrets, "carol's store data key", dataKeyOfUnprotected(dir.resolve("carol")));

        // the logs are real and in the asked-for format, so finding nothing means something
        // every line but the one on stdout that announces the URL
        List<String> relayLines =
                relayLog.lines()
                        .filter(l -> !l.isBlank())
                        .filter(l -> !l.startsWith("cipherline-relay listening on "))
                        .toList();
        assertTrue(relayLines.size() >= 3, relayLog);
        for (String line : relayLines) {
            JsonNode json = JSON.readTree(line);
            for (String field : List.of("time", "level", "logger", "message")) {
                assertTrue(json.hasNonNull(field), field + " missing in " + line);
            }
        }
        assertTrue(relayLog.contains("\"event\":\"started\""), relayLog);
        assertFalse(sdkLog.lines.isEmpty(), "the SDK logged nothing at all");

        Map<String, String> logs = new LinkedHashMap<>();
        logs.put("the relay's log", relayLog);
        logs.put("the SDK's log", String.join("\n", sdkLog.lines));
        StringBuilder cli = new StringBuilder();
        for (Cli.Result run : cliRuns) {
            cli.append(run.stdout()).append('\n').append(run.stderr()).append('\n');
        }
        logs.put("the CLI's output", cli.toString());

        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> log : logs.entrySet()) {
            String haystack = log.getValue().toLowerCase(Locale.ROOT);
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                String needle = secret.getValue();
                // a key's encodings are searched case-insensitively only where case carries no
                // meaning (hex); base64 and text are searched as they are
                boolean found =
                        secret.getKey().endsWith("(hex)")
                                ? haystack.contains(needle.toLowerCase(Locale.ROOT))
                                : log.getValue().contains(needle);
                if (found) {
                    leaks.add(secret.getKey() + " is in " + log.getKey());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private ChatClient open(String name, StoreProtection protection, RecordingListener inbox) {
        return ChatClient.builder()
                .home(dir.resolve(name))
                .protection(protection)
                .listener(inbox)
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .sendRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .build();
    }

    /** The identity and auth private keys of the account in {@code home}. */
    private static void addKeys(
            Map<String, String> secrets, String who, Path home, StoreKeyTable.Unlock unlock)
            throws Exception {
        LocalIdentity identity;
        Database db = Database.open(home, unlock);
        try {
            identity = new IdentityStore(db).load().orElseThrow();
        } finally {
            db.close();
        }
        IdentityKeyPair pair = new IdentityKeyPair(identity.identityKeyPair());
        addBytes(secrets, who + "'s identity private key", pair.getPrivateKey().serialize());
        addBytes(secrets, who + "'s serialized identity key pair", identity.identityKeyPair());
        addBytes(secrets, who + "'s auth private key", identity.authPrivateKey());
    }

    /** An unprotected store keeps its data key in clear: the at-rest key of everything in it. */
    private static byte[] dataKeyOfUnprotected(Path home) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:sqlite:" + home.resolve(Database.FILE_NAME));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT scheme, wrapped_key FROM store_key")) {
            assertTrue(rs.next(), "carol's store has a key");
            assertEquals("NONE", rs.getString(1));
            return rs.getBytes(2);
        }
    }

    private static void addBytes(Map<String, String> secrets, String what, byte[] key) {
        assertTrue(key.length >= 16, what + " is too short to search for");
        secrets.put(what + " (hex)", HexFormat.of().formatHex(key));
        secrets.put(what + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(key));
        secrets.put(
                what + " (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }
}
