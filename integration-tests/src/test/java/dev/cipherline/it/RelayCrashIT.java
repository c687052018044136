package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay dies by SIGKILL with accepted messages in its store and comes back on the same data.
 */
class RelayCrashIT {
    @TempDir Path dir;

    private RelayProcess relay;

    @AfterEach
    void stopRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void everyAcceptedMessageSurvivesSigkillAndIsDeliveredOnce() throws Exception {
        Path data = dir.resolve("relay");
        relay = RelayProcess.start(data);
        int port = relay.port();
        Accounts.create(dir.resolve("alice"), relay.url(), "alice");
        AccountInfo bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob");
        List<String> texts = Accounts.numbered("survives", 300);

        try (ChatClient sender = Accounts.open(dir.resolve("alice"), new RecordingListener())) {
            List<OutgoingMessage> sent = new ArrayList<>();
            for (String text : texts) {
                sent.add(sender.send(bob.accountId(), text));
            }
            // crash the relay while the outbox is still draining
            sent.get(99).accepted().get(120, TimeUnit.SECONDS);
            relay.kill();
            relay = RelayProcess.start(data, port);
            for (OutgoingMessage message : sent) {
                assertEquals(MessageState.SENT, message.accepted().get(180, TimeUnit.SECONDS));
            }
        }

        // every message is accepted now: crash once more before anyone received them
        relay.kill();
        relay = RelayProcess.start(data, port);

        RecordingListener inbox = new RecordingListener();
        try (ChatClient receiver = Accounts.open(dir.resolve("bob"), inbox)) {
            List<IncomingMessage> received = inbox.awaitMessages(300, Duration.ofMinutes(3));
            receiver.synced().get(60, TimeUnit.SECONDS);
            assertEquals(texts, received.stream().map(IncomingMessage::text).toList());
        }
        RecordingListener again = new RecordingListener();
        try (ChatClient receiver = Accounts.open(dir.resolve("bob"), again)) {
            receiver.synced().get(60, TimeUnit.SECONDS);
            assertEquals(List.of(), again.drain(), "no message may be delivered twice");
        }
        assertEquals(0, relay.stop(), "relay exits cleanly on SIGTERM");
    }
}
