package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what the SDK tells the app, so tests wait for events with a timeout, never sleep. */
public final class RecordingListener implements ChatListener {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final LinkedBlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<ChatException> errors = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<ConnectionState> states = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> messageStates = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> milestones = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(IncomingMessage message) {
        messages.add(message);
    }

    @Override
    public void onMessageState(MessageId id, MessageState state) {
        messageStates.add(id.value() + ":" + state);
    }

    @Override
    public void onConnectionState(ConnectionState state) {
        states.add(state);
    }

    @Override
    public void onSynced() {
        milestones.add("synced");
    }

    @Override
    public void onError(ChatException error) {
        errors.add(error);
    }

    @Override
    public void onClosed() {
        milestones.add("closed");
    }

    /** Waits for exactly {@code count} more messages. */
    public List<IncomingMessage> awaitMessages(int count) throws InterruptedException {
        List<IncomingMessage> received = new ArrayList<>(count);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count) {
            IncomingMessage next =
                    messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("received " + received.size() + " of " + count + " messages in " + TIMEOUT);
            }
            received.add(next);
        }
        return received;
    }

    /** Waits for the next error. */
    public ChatException awaitError() throws InterruptedException {
        ChatException e = errors.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(e, "no error reported in " + TIMEOUT);
        return e;
    }

    /** Waits until the connection reaches {@code wanted}, skipping earlier states. */
    public void awaitState(ConnectionState wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            ConnectionState s = states.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (s == null) {
                fail("connection never reached " + wanted);
            }
            if (s == wanted) {
                return;
            }
        }
    }

    /** Waits for the next milestone ("synced" or "closed") and checks it. */
    public void awaitMilestone(String wanted) throws InterruptedException {
        assertEquals(wanted, milestones.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Messages received and not yet taken. */
    public List<IncomingMessage> drainMessages() {
        List<IncomingMessage> rest = new ArrayList<>();
        messages.drainTo(rest);
        return rest;
    }

    /** Errors reported and not yet taken. */
    public List<ChatException> drainErrors() {
        List<ChatException> rest = new ArrayList<>();
        errors.drainTo(rest);
        return rest;
    }
}
