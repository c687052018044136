package dev.cipherline.sdk.internal.client;

import dev.cipherline.sdk.RelayTrust;
import dev.cipherline.sdk.internal.Log;
import dev.cipherline.sdk.internal.registration.Registrar;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * The threads a client owns, besides {@code cipherline-events} ({@code Events}) and {@code
 * cipherline-outbox} ({@link OutboxWorker}):
 *
 * <ul>
 *   <li>{@code cipherline-inbound}: one thread that handles everything the relay sends, in order:
 *       connection state, answers to requests, and each delivered envelope (decrypt, store, ack).
 *   <li>{@code cipherline-timer}: reconnect delays and request timeouts; never blocks.
 *   <li>{@code cipherline-okhttp}: OkHttp's dispatcher, which runs the WebSocket handshake and its
 *       reader loop; OkHttp callbacks only hand frames to the inbound thread.
 * </ul>
 *
 * All of them stop in {@link #close()}.
 */
final class Threads {
    private static final Log LOG = Log.get(Threads.class.getName());

    private final ExecutorService inbound =
            Executors.newSingleThreadExecutor(named("cipherline-inbound"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(named("cipherline-timer"));
    private final ExecutorService okhttp =
            new ThreadPoolExecutor(
                    0,
                    Integer.MAX_VALUE,
                    30,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    named("cipherline-okhttp"));
    private final OkHttpClient http;

    Threads(Duration heartbeat, List<URI> relayUrls, RelayTrust trust) {
        this.http =
                Registrar.forRelay(relayUrls, trust, new OkHttpClient.Builder())
                        .dispatcher(new Dispatcher(okhttp))
                        .connectTimeout(Duration.ofSeconds(10))
                        // applies to the WebSocket handshake only; OkHttp clears it after upgrade
                        .readTimeout(Duration.ofSeconds(10))
                        .writeTimeout(Duration.ofSeconds(10))
                        .pingInterval(heartbeat)
                        .retryOnConnectionFailure(false)
                        .build();
    }

    OkHttpClient http() {
        return http;
    }

    ExecutorService inbound() {
        return inbound;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Runs a task on the inbound thread; dropped if the client is closing. */
    void runInbound(Runnable task) {
        try {
            inbound.execute(task);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Runs a task on the timer thread after {@code millis}; dropped if the client is closing. */
    void later(long millis, Runnable task) {
        try {
            timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** Stops every thread, letting the inbound thread finish its current frame first. */
    void close() {
        inbound.shutdown();
        timer.shutdownNow();
        okhttp.shutdown();
        await(inbound, "inbound");
        try {
            // the WebSocket close handshake normally ends the reader loop at once
            if (!okhttp.awaitTermination(2, TimeUnit.SECONDS)) {
                http.dispatcher().cancelAll();
                okhttp.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.connectionPool().evictAll();
    }

    private static void await(ExecutorService executor, String name) {
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Log.Level.WARNING, "the {0} thread did not stop in 10 s", name);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
