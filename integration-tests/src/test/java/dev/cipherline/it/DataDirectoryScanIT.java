package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.IncomingMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Non-negotiable 2: the relay's data directory never holds a plaintext. */
class DataDirectoryScanIT {
    @TempDir Path dir;

    @Test
    void relayDataHoldsNoPlaintextWhileQueuedNorAfterDelivery() throws Exception {
        Path data = dir.resolve("relay");
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            secrets.add("plaintext-canary-" + i + "-the eagle lands at midnight " + i);
        }
        try (RelayProcess relay = RelayProcess.start(data)) {
            Accounts.create(dir.resolve("alice"), relay.url(), "alice");
            AccountInfo bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob");
            try (ChatClient sender = Accounts.open(dir.resolve("alice"), new RecordingListener())) {
                Accounts.sendAll(sender, bob.accountId(), secrets);
            }

            assertNoneIn(data, secrets);

            RecordingListener inbox = new RecordingListener();
            try (ChatClient receiver = Accounts.open(dir.resolve("bob"), inbox)) {
                List<IncomingMessage> got = inbox.awaitMessages(50, Duration.ofMinutes(2));
                receiver.synced().get(60, TimeUnit.SECONDS);
                assertEquals(secrets, got.stream().map(IncomingMessage::text).toList());
            }
            assertEquals(0, relay.stop());
        }
        assertNoneIn(data, secrets);
    }

    private static void assertNoneIn(Path data, List<String> secrets) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(data)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty(), "the relay wrote no files at all");
        long bytes = 0;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            bytes += content.length;
            for (String secret : secrets) {
                // a distinctive fragment of each plaintext, in UTF-8 and UTF-16 forms
                String fragment = secret.substring(0, 20);
                assertFalse(
                        contains(content, fragment.getBytes(StandardCharsets.UTF_8))
                                || contains(content, fragment.getBytes(StandardCharsets.UTF_16LE))
                                || contains(content, fragment.getBytes(StandardCharsets.UTF_16BE)),
                        file.getFileName() + " holds the plaintext of a message");
            }
        }
        assertTrue(bytes > 0);
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
