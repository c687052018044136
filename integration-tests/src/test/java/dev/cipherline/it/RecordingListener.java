package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what the SDK tells the app, so tests wait for events instead of sleeping. */
final class RecordingListener implements ChatListener {
    private final LinkedBlockingQueue<IncomingMessage> messages = new LinkedBlockingQueue<>();
    private final List<ChatException> errors = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Group> groups = new LinkedBlockingQueue<>();

    @Override
    public void onGroupChanged(Group group) {
        groups.add(group);
    }

    /** Waits for a group change that {@code wanted} accepts, skipping others. */
    Group awaitGroup(java.util.function.Predicate<Group> wanted, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Group g = left <= 0 ? null : groups.poll(left, TimeUnit.NANOSECONDS);
            if (g == null) {
                fail("no matching group change in " + timeout);
            }
            if (wanted.test(g)) {
                return g;
            }
        }
    }

    @Override
    public void onMessage(IncomingMessage message) {
        messages.add(message);
    }

    @Override
    public void onError(ChatException error) {
        errors.add(error);
    }

    /** Waits for exactly {@code count} more messages, failing if they do not come in time. */
    List<IncomingMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        List<IncomingMessage> received = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            IncomingMessage next = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("received " + received.size() + " of " + count + " messages in " + timeout);
            }
            received.add(next);
        }
        return received;
    }

    /**
     * Takes messages until every one of {@code ids} was seen or the timeout passed, and returns
     * everything taken, duplicates included. Unlike {@link #awaitMessages} it does not fail on a
     * timeout: the caller counts what is missing.
     */
    List<IncomingMessage> awaitAll(Set<MessageId> ids, Duration timeout)
            throws InterruptedException {
        Set<MessageId> missing = new HashSet<>(ids);
        List<IncomingMessage> received = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!missing.isEmpty()) {
            long left = deadline - System.nanoTime();
            IncomingMessage next = left <= 0 ? null : messages.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            received.add(next);
            missing.remove(next.id());
        }
        return received;
    }

    /** The messages received and not yet taken by {@link #awaitMessages}. */
    List<IncomingMessage> drain() {
        List<IncomingMessage> rest = new ArrayList<>();
        messages.drainTo(rest);
        return rest;
    }

    /** How many received messages were not taken yet. */
    int waiting() {
        return messages.size();
    }

    List<ChatException> errors() {
        return List.copyOf(errors);
    }
}
