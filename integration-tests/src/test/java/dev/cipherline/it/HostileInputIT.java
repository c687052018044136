package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cipherline.protocol.ErrorCode;
import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.IncomingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed and oversized frames get error frames, and the relay keeps serving everyone else. */
class HostileInputIT {
    @TempDir Path dir;

    @Test
    void malformedAndOversizedFramesGetErrorFramesWhileOthersKeepChatting() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"))) {
            AccountInfo bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob");
            Accounts.create(dir.resolve("alice"), relay.url(), "alice");

            try (RawConnection raw = new RawConnection(relay.url())) {
                assertInstanceOf(Frame.Challenge.class, raw.next(Duration.ofSeconds(30)));

                raw.sendText("{ this is not json");
                assertError(ErrorCode.MALFORMED_FRAME, raw.next(Duration.ofSeconds(30)));

                raw.sendBinary(new byte[] {(byte) 0xbf, 0x61, 0x74, 0x00});
                assertError(ErrorCode.MALFORMED_FRAME, raw.next(Duration.ofSeconds(30)));

                raw.sendText(
                        "{\"type\":\"ack\",\"seqs\":[1],\"pad\":\"" + "x".repeat(600_000) + "\"}");
                assertError(ErrorCode.FRAME_TOO_LARGE, raw.next(Duration.ofSeconds(30)));

                // other clients are served meanwhile
                RecordingListener inbox = new RecordingListener();
                try (ChatClient receiver = Accounts.open(dir.resolve("bob"), inbox);
                        ChatClient sender =
                                Accounts.open(dir.resolve("alice"), new RecordingListener())) {
                    receiver.synced().get(60, TimeUnit.SECONDS);
                    Accounts.sendAll(sender, bob.accountId(), List.of("still here"));
                    List<IncomingMessage> got = inbox.awaitMessages(1, Duration.ofSeconds(60));
                    assertEquals("still here", got.get(0).text());
                }
            }
        }
    }

    private static void assertError(ErrorCode expected, Frame frame) {
        Frame.ErrorFrame error = assertInstanceOf(Frame.ErrorFrame.class, frame);
        assertEquals(expected, error.code(), error.message());
    }
}
