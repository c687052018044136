package dev.cipherline.sdk.internal.client;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;

/** Blocking request/response over the relay connection, for the outbox thread. */
final class Requests {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RelayConnection connection;

    Requests(RelayConnection connection) {
        this.connection = connection;
    }

    /** A fresh request ID. */
    static String newRequestId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Sends {@code frame} and waits for the frame answering {@code key}.
     *
     * @throws ChatException RELAY_UNREACHABLE, TIMEOUT or CLOSED if no answer came
     */
    Frame call(Frame frame, String key) {
        try {
            return connection.request(frame, key, TIMEOUT).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChatException ce) {
                throw ce;
            }
            throw new ChatException(
                    ChatException.Reason.RELAY_UNREACHABLE, "the request failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ChatException.Reason.CLOSED, "the client is closing");
        }
    }
}
