package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real relay process started with {@code --config FILE} gets SIGHUP in the middle of a
 * conversation: the new address rate limit applies at once, the window (which needs a restart)
 * keeps its value, the connections stay and every message arrives once, in order.
 */
class RelayReloadIT {
    @TempDir Path dir;

    private RelayProcess relay;

    @AfterEach
    void tearDown() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    /** Two registration attempts with a body the relay refuses: their status codes. */
    private List<Integer> twoRegistrations() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            codes.add(
                    http.send(
                                    HttpRequest.newBuilder(relay.url().resolve("/v1/devices"))
                                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
        }
        return codes;
    }

    private void awaitLog(String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!relay.log().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + line + "' in the relay's log:\n" + relay.log());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Test
    void sighupReloadsTheFileUnderTrafficAndLosesNothing() throws Exception {
        Path config = dir.resolve("relay.toml");
        Files.writeString(config, "window = 64\n");
        relay = RelayProcess.start(dir.resolve("relay"), "--config", config.toString());
        AccountId bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob").accountId();
        Accounts.create(dir.resolve("alice"), relay.url(), "alice");
        RecordingListener inbox = new RecordingListener();
        List<String> texts = Accounts.numbered("reload", 200);
        try (ChatClient alice =
                        Accounts.openForFaults(
                                dir.resolve("alice"), relay.url(), new RecordingListener());
                ChatClient bobClient =
                        Accounts.openForFaults(dir.resolve("bob"), relay.url(), inbox)) {
            bobClient.synced().get(60, TimeUnit.SECONDS);
            // loopback is exempt from the address limit by default
            assertEquals(List.of(400, 400), twoRegistrations());

            List<OutgoingMessage> sent = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                sent.add(alice.send(bob, texts.get(i)));
                if (i == 99) {
                    sent.get(50).accepted().get(60, TimeUnit.SECONDS);
                    Files.writeString(
                            config,
                            "window = 8\nlimit-loopback = true\naddress-rate-limit = \"1/h\"\n");
                    relay.hangUp();
                    awaitLog("reload: address-rate-limit changed from 300/m to 1/h");
                }
            }
            for (OutgoingMessage m : sent) {
                assertEquals(MessageState.SENT, m.accepted().get(120, TimeUnit.SECONDS));
            }
            List<IncomingMessage> received =
                    inbox.awaitMessages(texts.size(), Duration.ofMinutes(2));
            assertEquals(texts, received.stream().map(IncomingMessage::text).toList());
        }
        String log = relay.log();
        assertTrue(log.contains("reload: limit-loopback changed from false to true"), log);
        assertTrue(log.contains("reload: window changed to 8 but needs a restart; still 64"), log);
        // the reloaded limit holds from now on: one registration attempt an hour
        assertEquals(List.of(400, 429), twoRegistrations());
        assertTrue(relay.isAlive());
        assertEquals(0, relay.stop());
    }
}
