package dev.cipherline.sdk.internal.client;

import dev.cipherline.protocol.Frame;
import dev.cipherline.sdk.internal.outbound.Relay;
import dev.cipherline.sdk.internal.transport.RelayConnection;
import java.util.concurrent.CompletableFuture;

/** Requests over the relay connection, answered within {@link Relay#TIMEOUT}. */
final class Requests implements Relay {
    private final RelayConnection connection;

    Requests(RelayConnection connection) {
        this.connection = connection;
    }

    @Override
    public CompletableFuture<Frame> request(Frame frame, String key) {
        return connection.request(frame, key, TIMEOUT);
    }
}
