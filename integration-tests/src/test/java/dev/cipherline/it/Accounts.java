package dev.cipherline.it;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.AccountInfo;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers to create SDK accounts and clients for tests against a relay process. */
final class Accounts {
    private Accounts() {}

    static AccountInfo create(Path home, URI relay, String name) {
        return ChatClient.initialize(home, relay, name);
    }

    /** A client with short backoffs, so tests that restart the relay do not wait long. */
    static ChatClient open(Path home, ChatListener listener) {
        return open(home, null, listener);
    }

    static ChatClient open(Path home, URI relayOverride, ChatListener listener) {
        ChatClient.Builder builder =
                ChatClient.builder()
                        .home(home)
                        .listener(listener)
                        .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .sendRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        if (relayOverride != null) {
            builder.relayUrl(relayOverride);
        }
        return builder.build();
    }

    /**
     * A client for fault scenarios: a one-second heartbeat, so a black-holed connection is noticed
     * within seconds, and backoffs short enough that a restarted relay is found again at once.
     */
    static ChatClient openForFaults(Path home, URI relayUrl, ChatListener listener) {
        return ChatClient.builder()
                .home(home)
                .relayUrl(relayUrl)
                .listener(listener)
                .heartbeatInterval(Duration.ofSeconds(1))
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }

    /** Sends every text in order and waits until the relay accepted all of them. */
    static List<OutgoingMessage> sendAll(ChatClient client, AccountId to, List<String> texts)
            throws Exception {
        List<OutgoingMessage> sent = new ArrayList<>(texts.size());
        for (String text : texts) {
            sent.add(client.send(to, text));
        }
        for (OutgoingMessage message : sent) {
            MessageState state = message.accepted().get(120, TimeUnit.SECONDS);
            if (state != MessageState.SENT) {
                throw new AssertionError("message " + message.id() + " ended " + state);
            }
        }
        return sent;
    }

    static List<String> numbered(String prefix, int count) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(String.format("%s-%05d", prefix, i));
        }
        return texts;
    }
}
