package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.relay.RelayServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group message that never reaches the relay shows as a gap in its sender's sequence. */
class GroupGapRelayTest {
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

    /** The system clock, shifted by {@link #offset}. */
    private static final class ShiftedClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    private ChatClient open(String who, ChatListener listener, Clock clock) {
        return ChatClient.builder()
                .home(dir.resolve(who))
                .listener(listener)
                .clock(clock)
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }

    @Test
    void theReceiverIsToldHowManyMessagesOfASenderAreMissing() throws Exception {
        AccountId alice =
                ChatClient.initialize(dir.resolve("alice"), relay.url(), null).accountId();
        AccountId bob = ChatClient.initialize(dir.resolve("bob"), relay.url(), null).accountId();
        ShiftedClock aliceClock = new ShiftedClock();
        RecordingListener bobIn = new RecordingListener();
        try (ChatClient a = open("alice", new RecordingListener(), aliceClock);
                ChatClient b = open("bob", bobIn, Clock.systemUTC())) {
            Group g = a.groups().create("pair", List.of(bob));
            bobIn.awaitGroup(x -> x.epoch() == 1);
            assertEquals(
                    MessageState.SENT,
                    a.groups()
                            .send(a.groups().resolve("pair"), "one")
                            .accepted()
                            .get(30, TimeUnit.SECONDS));
            assertEquals("one", bobIn.awaitMessages(1).get(0).text());

            // alice's clock is a month behind: her next message has expired when the relay sees it
            aliceClock.offset = Duration.ofDays(-31);
            OutgoingMessage lost = a.groups().send(a.groups().resolve("pair"), "lost");
            assertEquals(MessageState.FAILED, lost.accepted().handle((s, e) -> lost.state()).get());
            aliceClock.offset = Duration.ZERO;

            a.groups()
                    .send(a.groups().resolve("pair"), "three")
                    .accepted()
                    .get(30, TimeUnit.SECONDS);
            IncomingMessage three = bobIn.awaitMessages(1).get(0);
            assertEquals("three", three.text());
            assertEquals(List.of(g.id() + ":" + alice.value() + ":1"), bobIn.drainGaps());
        }
    }
}
