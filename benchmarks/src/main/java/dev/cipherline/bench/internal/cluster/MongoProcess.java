package dev.cipherline.bench.internal.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * mongo-java-server ({@link MongoServerMain}) as a process on a loopback port: the shared store of
 * the relay nodes in a cluster test. It keeps its data in memory, so it lives as long as the test.
 */
public final class MongoProcess implements AutoCloseable {
    private static final Pattern LISTENING =
            Pattern.compile("mongo-java-server listening on (\\S+)");

    private final Process process;
    private final String address;

    private MongoProcess(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /** Starts the server on a free port; its log goes to {@code log}. */
    public static MongoProcess start(Path log) throws IOException {
        ChildJvm.Started started =
                ChildJvm.start(
                        ChildJvm.onThisClassPath("-Xmx512m", MongoServerMain.class.getName(), "0"),
                        log,
                        LISTENING);
        return new MongoProcess(started.process(), started.ready());
    }

    /** The server's process ID. */
    public long pid() {
        return process.pid();
    }

    /** The connection string relays are given. */
    public URI uri() {
        return URI.create("mongodb://" + address + "/");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            ChildJvm.stop(process, "mongo-java-server");
        }
    }
}
