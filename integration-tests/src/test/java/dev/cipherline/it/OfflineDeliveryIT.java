package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.IncomingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store and forward through a real relay process: the recipient is offline while the sender sends.
 */
class OfflineDeliveryIT {
    @TempDir Path dir;

    private RelayProcess relay;

    @BeforeEach
    void startRelay() throws Exception {
        relay = RelayProcess.start(dir.resolve("relay"));
    }

    @AfterEach
    void stopRelay() throws Exception {
        relay.close();
    }

    @Test
    void aThousandMessagesToAnOfflineRecipientArriveOnceAndInOrder() throws Exception {
        AccountInfo alice = Accounts.create(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob");
        List<String> texts = Accounts.numbered("hello bob", 1000);

        try (ChatClient sender = Accounts.open(dir.resolve("alice"), new RecordingListener())) {
            Accounts.sendAll(sender, bob.accountId(), texts);
        }

        RecordingListener inbox = new RecordingListener();
        try (ChatClient receiver = Accounts.open(dir.resolve("bob"), inbox)) {
            List<IncomingMessage> received = inbox.awaitMessages(1000, Duration.ofMinutes(3));
            receiver.synced().get(60, TimeUnit.SECONDS);

            assertEquals(texts, received.stream().map(IncomingMessage::text).toList());
            assertTrue(received.stream().allMatch(m -> m.from().equals(alice.accountId())));
            assertEquals(
                    1000,
                    new HashSet<>(received.stream().map(IncomingMessage::id).toList()).size());
        }

        // a new connection must find an empty queue and nothing the app has not seen
        RecordingListener again = new RecordingListener();
        try (ChatClient receiver = Accounts.open(dir.resolve("bob"), again)) {
            receiver.synced().get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), again.drain());
            assertEquals(List.of(), again.errors());
        }
    }
}
