package dev.cipherline.bench.internal.cluster;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * A MongoDB wire-protocol server (mongo-java-server, in memory) as a process of its own, so that
 * every relay node of a cluster test shares it. No {@code mongod} can be installed on the machines
 * this project is built on; the relay's MongoDB store uses only operations real MongoDB supports.
 *
 * <p>Usage: {@code MongoServerMain PORT}; prints {@code mongo-java-server listening on HOST:PORT}
 * and serves until SIGTERM.
 */
public final class MongoServerMain {
    private MongoServerMain() {}

    /** Serves on 127.0.0.1 at the given port (0 picks one) until the process is stopped. */
    public static void main(String[] args) throws InterruptedException {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        InetSocketAddress address = server.getLocalAddress();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "mongo-shutdown"));
        System.out.println(
                "mongo-java-server listening on "
                        + address.getHostString()
                        + ":"
                        + address.getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
