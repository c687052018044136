package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.IncomingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An envelope past its expiry is never delivered. */
class ExpiryIT {
    private static final Duration MAX_EXPIRY = Duration.ofSeconds(3);

    @TempDir Path dir;

    @Test
    void anEnvelopePastItsExpiryIsNeverDelivered() throws Exception {
        try (RelayProcess relay =
                RelayProcess.start(
                        dir.resolve("relay"), "--max-expiry", MAX_EXPIRY.toSeconds() + "s")) {
            Accounts.create(dir.resolve("alice"), relay.url(), "alice");
            AccountInfo bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob");
            AccountId to = bob.accountId();

            try (ChatClient sender = Accounts.open(dir.resolve("alice"), new RecordingListener())) {
                // the relay works: an online recipient gets a message within the short lifetime
                RecordingListener online = new RecordingListener();
                try (ChatClient receiver = Accounts.open(dir.resolve("bob"), online)) {
                    receiver.synced().get(60, TimeUnit.SECONDS);
                    Accounts.sendAll(sender, to, List.of("fresh"));
                    List<IncomingMessage> got = online.awaitMessages(1, Duration.ofSeconds(30));
                    assertEquals("fresh", got.get(0).text());
                }

                // the recipient is offline for longer than the relay keeps anything
                long acceptedAt = System.currentTimeMillis();
                Accounts.sendAll(sender, to, List.of("stale"));
                waitUntil(acceptedAt + MAX_EXPIRY.toMillis() + 1_000);
            }

            RecordingListener later = new RecordingListener();
            try (ChatClient receiver = Accounts.open(dir.resolve("bob"), later)) {
                receiver.synced().get(60, TimeUnit.SECONDS);
                assertEquals(List.of(), later.drain(), "an expired envelope was delivered");
            }
        }
    }

    /** Lets wall-clock time pass: the outcome under test is the passage of time itself. */
    private static void waitUntil(long epochMillis) throws InterruptedException {
        long left;
        while ((left = epochMillis - System.currentTimeMillis()) > 0) {
            TimeUnit.MILLISECONDS.sleep(left);
        }
    }
}
