package dev.cipherline.bench.internal.compare;

/**
 * The {@code mosquitto.conf} the benchmark writes: a WebSocket listener (the one the benchmark
 * uses), anonymous clients, no persistence (every queued message lives in memory only), unlimited
 * queues for offline persistent sessions and the same delivery window as the relay's.
 *
 * <p>Mosquitto 2.0.11 (Debian 12) exits with "Unable to start any listening sockets" when its only
 * listener is a WebSocket one, so the file also opens a plain MQTT listener on loopback that the
 * benchmark never uses. Its libwebsockets ignores the listener's address and binds every interface.
 *
 * @param port the WebSocket listener's port
 * @param tcpPort the unused plain MQTT listener's loopback port
 * @param inflight {@code max_inflight_messages}: QoS 1 deliveries in flight per client
 */
public record MosquittoConfig(int port, int tcpPort, int inflight) {
    /** The relay's default delivery window, used for every system. */
    public static final int DEFAULT_INFLIGHT = 256;

    public MosquittoConfig {
        for (int p : new int[] {port, tcpPort}) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
        }
        if (port == tcpPort) {
            throw new IllegalArgumentException("both listeners on port " + port);
        }
        if (inflight < 1 || inflight > 65535) {
            throw new IllegalArgumentException("inflight out of range: " + inflight);
        }
    }

    /** The file's text. */
    public String render() {
        return """
                # written by the Cipherline benchmark (RelayLoad --compare)
                per_listener_settings false
                allow_anonymous true
                # durability: none; queued QoS 1 messages are in memory only
                persistence false
                # offline persistent sessions keep every QoS 1 message
                max_queued_messages 0
                max_queued_bytes 0
                max_inflight_messages %d
                max_connections -1
                set_tcp_nodelay true
                log_dest stderr
                log_type error
                log_type warning
                # unused: 2.0.11 does not start with a WebSocket listener alone
                listener %d 127.0.0.1
                protocol mqtt
                listener %d 127.0.0.1
                protocol websockets
                """
                .formatted(inflight, tcpPort, port);
    }
}
