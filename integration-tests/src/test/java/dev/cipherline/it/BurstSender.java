package dev.cipherline.it;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate JVM for {@link SdkCrashIT}: opens a client on an existing home and queues numbered
 * messages as fast as it can, printing {@code queued <n>} after each {@code send()} returned. The
 * test kills it with SIGKILL in the middle of the burst.
 *
 * <p>Arguments: home, relay URL, recipient account ID, text prefix, how many messages.
 */
public final class BurstSender {
    private BurstSender() {}

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        URI relay = URI.create(args[1]);
        AccountId to = AccountId.parse(args[2]);
        String prefix = args[3];
        int count = Integer.parseInt(args[4]);
        try (ChatClient client =
                ChatClient.builder()
                        .home(home)
                        .relayUrl(relay)
                        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                        .build()) {
            for (int i = 0; i < count; i++) {
                client.send(to, String.format("%s-%05d", prefix, i));
                System.out.println("queued " + i);
                System.out.flush();
            }
            System.out.println("pending " + client.flush(Duration.ofMinutes(2)));
        }
    }
}
