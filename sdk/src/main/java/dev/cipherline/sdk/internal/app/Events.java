package dev.cipherline.sdk.internal.app;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.Note;
import dev.cipherline.sdk.internal.Log;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The single {@code cipherline-events} thread that calls the app's {@link ChatListener}, in the
 * order events were posted. A callback that throws is logged and does not stop later ones.
 */
public final class Events {
    private static final Log LOG = Log.get(Events.class.getName());

    private final ChatListener listener;
    private final ExecutorService executor;
    private volatile Thread thread;

    /** An events thread (started on the first event) calling {@code listener}. */
    public Events(ChatListener listener) {
        this.listener = listener;
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "cipherline-events");
                            t.setDaemon(true);
                            thread = t;
                            return t;
                        });
    }

    /** Calls {@code call} with the listener on the events thread. */
    public void post(Consumer<ChatListener> call) {
        run(() -> call.accept(listener));
    }

    /** Tells the app of a note written into a 1:1 ({@code peer}) or group history. */
    public void note(Note note, AccountId peer, GroupId group, MessageId id) {
        post(l -> l.onNote(note, peer, group, id));
    }

    /** Runs {@code task} on the events thread, after every earlier event. */
    public void run(Runnable task) {
        try {
            executor.execute(
                    () -> {
                        try {
                            task.run();
                        } catch (RuntimeException e) {
                            LOG.log(Log.Level.WARNING, "a listener callback failed", e);
                        }
                    });
        } catch (RejectedExecutionException e) {
            // closed: onClosed was the last callback
        }
    }

    /** Whether the caller is the events thread. */
    boolean isEventsThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Posts {@code onClosed}, stops accepting events and waits for the queue to drain (unless
     * called from a callback, which cannot wait for itself).
     */
    public void close() {
        post(ChatListener::onClosed);
        executor.shutdown();
        if (!isEventsThread()) {
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.log(Log.Level.WARNING, "the listener did not return in 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
