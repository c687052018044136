package dev.cipherline.relay.internal.store;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads a store starts for itself: named, numbered, and never keeping the JVM alive. */
public final class StoreThreads {
    private StoreThreads() {}

    /** A factory of daemon threads named {@code name-1}, {@code name-2}, and so on. */
    public static ThreadFactory named(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
