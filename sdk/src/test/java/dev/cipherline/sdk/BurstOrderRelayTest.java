package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.relay.AbuseLimits;
import dev.cipherline.relay.RelayConfig;
import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst to one recipient goes out pipelined, several envelopes in flight at once, and a real
 * relay refuses some of them in the middle (its per-device rate limit allows bursts of 10, fewer
 * than a batch): every message still arrives exactly once and in order, because the relay holds the
 * connection's later sends to that recipient until the refused one comes again.
 */
class BurstOrderRelayTest {
    @TempDir Path dir;

    @Test
    void aBurstThroughRateLimitRefusalsArrivesOnceAndInOrder() throws Exception {
        AbuseLimits tight =
                new AbuseLimits(
                        AbuseLimits.Rate.parse("200/s:10"),
                        AbuseLimits.DEFAULT.addressRate(),
                        AbuseLimits.DEFAULT.maxConnections(),
                        AbuseLimits.DEFAULT.stallTimeout(),
                        AbuseLimits.DEFAULT.limitLoopback());
        RelayConfig config =
                new RelayConfig(
                                "127.0.0.1",
                                0,
                                dir.resolve("relay"),
                                Duration.ofDays(30),
                                100_000,
                                64)
                        .withAbuse(tight);
        try (RelayServer relay = RelayServer.start(config, Clock.systemUTC())) {
            ChatClient.initialize(dir.resolve("alice"), relay.url(), "alice");
            AccountId bob =
                    ChatClient.initialize(dir.resolve("bob"), relay.url(), "bob").accountId();
            RecordingListener bobIn = new RecordingListener();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                texts.add("burst " + i);
            }
            try (ChatClient alice =
                            TestRelays.client(
                                            dir.resolve("alice"),
                                            relay.url(),
                                            new RecordingListener())
                                    .build();
                    ChatClient b =
                            TestRelays.client(dir.resolve("bob"), relay.url(), bobIn).build()) {
                alice.synced().get(30, TimeUnit.SECONDS);
                List<OutgoingMessage> sent = new ArrayList<>();
                for (String text : texts) {
                    sent.add(alice.send(bob, text));
                }
                for (OutgoingMessage m : sent) {
                    assertEquals(MessageState.SENT, m.accepted().get(60, TimeUnit.SECONDS));
                }
                List<String> arrived =
                        bobIn.awaitMessages(texts.size()).stream()
                                .map(IncomingMessage::text)
                                .toList();
                assertEquals(texts, arrived);
                // nothing more arrives: each message exactly once
                Thread.sleep(300);
                assertEquals(0, bobIn.untakenMessages());
            }
        }
    }
}
