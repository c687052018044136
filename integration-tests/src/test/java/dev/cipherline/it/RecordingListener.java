package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatException;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.StoredMessage;
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
    private final LinkedBlockingQueue<ChatException> errorQueue = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<StoredMessage> sentElsewhere = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> readElsewhere = new LinkedBlockingQueue<>();

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
        errorQueue.add(error);
    }

    @Override
    public void onSentOnOtherDevice(StoredMessage message, GroupId group) {
        sentElsewhere.add(message);
    }

    @Override
    public void onReadOnOtherDevice(AccountId peer, GroupId group) {
        readElsewhere.add(peer != null ? peer.value() : group.value());
    }

    /** Waits for the next error the client reports. */
    ChatException awaitError(Duration timeout) throws InterruptedException {
        ChatException e = errorQueue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (e == null) {
            fail("no error reported in " + timeout);
        }
        return e;
    }

    /** Waits for exactly {@code count} more copies of what another device of the account sent. */
    List<StoredMessage> awaitSentOnOtherDevice(int count, Duration timeout)
            throws InterruptedException {
        return take(sentElsewhere, count, timeout, "messages sent on another device");
    }

    /** Waits until another device of the account read the conversation or group {@code ref}. */
    void awaitReadOnOtherDevice(String ref, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String next = left <= 0 ? null : readElsewhere.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("no read of " + ref + " on another device in " + timeout);
            }
            if (next.equals(ref)) {
                return;
            }
        }
    }

    /** The copies of what other devices sent, received and not yet taken. */
    List<StoredMessage> drainSentOnOtherDevice() {
        List<StoredMessage> rest = new ArrayList<>();
        sentElsewhere.drainTo(rest);
        return rest;
    }

    private static <T> List<T> take(
            LinkedBlockingQueue<T> queue, int count, Duration timeout, String what)
            throws InterruptedException {
        List<T> received = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            T next = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                fail(
                        "received "
                                + received.size()
                                + " of "
                                + count
                                + " "
                                + what
                                + " in "
                                + timeout);
            }
            received.add(next);
        }
        return received;
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
