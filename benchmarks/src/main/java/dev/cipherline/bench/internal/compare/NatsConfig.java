package dev.cipherline.bench.internal.compare;

import java.nio.file.Path;

/**
 * The {@code nats-server} config the benchmark writes: a client listener and a monitoring listener
 * on loopback, JetStream with file storage in the run's folder. nats-server writes JetStream's
 * files through the page cache and does not fsync each message (its default {@code sync_interval}
 * is two minutes); this file keeps that default.
 *
 * @param port the client port
 * @param monitorPort the HTTP monitoring port
 * @param storeDir JetStream's {@code store_dir}
 */
public record NatsConfig(int port, int monitorPort, Path storeDir) {
    public NatsConfig {
        for (int p : new int[] {port, monitorPort}) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + p);
            }
        }
        if (port == monitorPort) {
            throw new IllegalArgumentException("client and monitoring port are both " + port);
        }
        String dir = storeDir.toString();
        if (dir.contains("\"") || dir.contains("\\") || dir.contains("\n")) {
            throw new IllegalArgumentException("store_dir needs quoting: " + dir);
        }
    }

    /** The file's text. */
    public String render() {
        return """
                # written by the Cipherline benchmark (RelayLoad --compare)
                listen: "127.0.0.1:%d"
                http: "127.0.0.1:%d"
                max_payload: 1048576
                jetstream {
                  # durability: file storage through the page cache, no fsync per message
                  store_dir: "%s"
                  max_file_store: 17179869184
                  max_memory_store: 268435456
                }
                """
                .formatted(port, monitorPort, storeDir);
    }
}
