package dev.cipherline.bench.internal.compare;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One messaging system under test, reduced to what the comparison needs: devices that have a
 * durable queue, connect, send to each other and acknowledge what they receive. Each implementation
 * owns the server process it started ({@link #serverPid()}) and stops it in {@link #close()}.
 */
public interface Messaging extends AutoCloseable {
    /** The system's name in the table: "Cipherline", "Mosquitto" or "NATS". */
    String system();

    /** What "accepted" means on this system, printed beside its figures. */
    String durability();

    /** The server process whose CPU time and memory are measured. */
    long serverPid();

    /**
     * Creates {@code count} new devices that have never connected: registered accounts
     * (Cipherline), client IDs (MQTT), durable consumers (NATS).
     */
    List<Endpoint> provision(int count) throws Exception;

    /**
     * Connects {@code device}; every message for it, queued or new, then goes to {@code inbox}, and
     * is acknowledged to the server after {@code inbox} returns. The future completes when the
     * device is connected and subscribed.
     */
    CompletableFuture<Peer> connect(Endpoint device, Inbox inbox);

    /** Sends, deliveries or acks the server refused or that failed, so far. */
    long errors();

    /** A device of this system. */
    interface Endpoint {
        /** Its number among the devices of this run, from 0. */
        int index();
    }

    /** Receives a connected device's messages. */
    @FunctionalInterface
    interface Inbox {
        /** Called once per delivery, on a thread of the client library; must not block. */
        void onMessage(byte[] payload);

        /** Ignores every message: for idle connections. */
        Inbox IGNORE = payload -> {};
    }

    /** A connected device. */
    interface Peer {
        /**
         * Sends {@code payload} to {@code to}; {@code onAccepted} runs (on a client thread) once
         * the server has accepted it as its durability rule says. May be called from any thread.
         */
        void send(Endpoint to, byte[] payload, Runnable onAccepted);

        /** Disconnects, leaving the device's durable queue on the server. */
        void close();
    }
}
