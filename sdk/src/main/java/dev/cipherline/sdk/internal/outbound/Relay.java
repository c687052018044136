package dev.cipherline.sdk.internal.outbound;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.ChatException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** The relay as the sending side sees it: requests matched to their answers by a key. */
@FunctionalInterface
public interface Relay {
    /** How long a request waits for its answer. */
    Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Sends {@code frame} at once and returns the frame that will answer {@code key} ({@code
     * msg:<clientMsgId>} for a send, {@code req:<requestId>} for a request).
     *
     * <p>The future fails with a {@link ChatException} (RELAY_UNREACHABLE, TIMEOUT or CLOSED) if no
     * answer came.
     */
    CompletableFuture<Frame> request(Frame frame, String key);

    /**
     * Sends {@code frame} and waits for the frame answering {@code key}.
     *
     * @throws ChatException RELAY_UNREACHABLE, TIMEOUT or CLOSED if no answer came
     */
    default Frame call(Frame frame, String key) {
        try {
            return request(frame, key).get();
        } catch (ExecutionException e) {
            throw asChatException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ChatException.Reason.CLOSED, "the client is closing");
        }
    }

    /** What a request that got no answer failed with, as the outbox handles it. */
    static ChatException asChatException(Throwable failure) {
        if (failure instanceof ChatException ce) {
            return ce;
        }
        return new ChatException(
                ChatException.Reason.RELAY_UNREACHABLE, "the request failed", failure);
    }

    /** A fresh request ID. */
    static String newRequestId() {
        byte[] bytes = new byte[12];
        Ids.RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Holds the random source of {@link #newRequestId}. */
    final class Ids {
        private static final SecureRandom RANDOM = new SecureRandom();

        private Ids() {}
    }
}
