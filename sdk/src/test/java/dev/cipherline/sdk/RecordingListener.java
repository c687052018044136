package dev.cipherline.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final LinkedBlockingQueue<String> typings = new LinkedBlockingQueue<>();
    private final Map<MessageId, List<MessageState>> statesSeen = new HashMap<>();
    private final LinkedBlockingQueue<Group> groups = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> gaps = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<EnvelopeRejection> rejections = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> failures = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Contact> identityChanges = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<StoredMessage> sentElsewhere = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> readElsewhere = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> sentElsewhereGroups = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<String> noteWhere = new LinkedBlockingQueue<>();

    /** Waits for the next note; checks it was written into the 1:1 history with {@code peer}. */
    public Note awaitNote(AccountId peer) throws InterruptedException {
        Note note = notes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(note, "no note in " + TIMEOUT);
        assertEquals(peer.value(), noteWhere.poll());
        return note;
    }

    /** Notes written and not yet awaited. */
    public List<Note> drainNotes() {
        List<Note> rest = new ArrayList<>();
        notes.drainTo(rest);
        noteWhere.clear();
        return rest;
    }

    private final LinkedBlockingQueue<MessageId> disappeared = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Note> notes = new LinkedBlockingQueue<>();

    @Override
    public void onNote(Note note, AccountId peer, GroupId group, MessageId id) {
        noteWhere.add(peer != null ? peer.value() : "group:" + group.value());
        notes.add(note);
    }

    /** Waits for the next note written into a history. */
    public Note awaitNote() throws InterruptedException {
        Note note = notes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(note, "no note in " + TIMEOUT);
        noteWhere.poll();
        return note;
    }

    @Override
    public void onMessagesDisappeared(AccountId peer, GroupId group, List<MessageId> ids) {
        disappeared.addAll(ids);
    }

    /** Waits until the SDK reported that message {@code id} disappeared. */
    public void awaitDisappeared(MessageId id) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            MessageId next = disappeared.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("message " + id + " was not reported as disappeared");
            }
            if (next.equals(id)) {
                return;
            }
        }
    }

    /** The groups of the copies taken so far, in order ("" for a 1:1 message). */
    public List<String> sentOnOtherDeviceGroups() {
        return List.copyOf(sentElsewhereGroups);
    }

    @Override
    public void onSentOnOtherDevice(StoredMessage message, GroupId group) {
        sentElsewhere.add(message);
        sentElsewhereGroups.add(group == null ? "" : group.value());
    }

    /** Waits for exactly {@code count} more messages sent on another device of this account. */
    public List<StoredMessage> awaitSentOnOtherDevice(int count) throws InterruptedException {
        List<StoredMessage> out = new ArrayList<>(count);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (out.size() < count) {
            StoredMessage next =
                    sentElsewhere.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail("got " + out.size() + " of " + count + " copies from other devices");
            }
            out.add(next);
        }
        return out;
    }

    /** Copies from other devices not yet taken. */
    public List<StoredMessage> drainSentOnOtherDevice() {
        List<StoredMessage> rest = new ArrayList<>();
        sentElsewhere.drainTo(rest);
        return rest;
    }

    @Override
    public void onReadOnOtherDevice(AccountId peer, GroupId group) {
        readElsewhere.add(peer != null ? peer.value() : "group:" + group.value());
    }

    /**
     * Waits for the next report that another device read a conversation, and checks which ({@code
     * peer}'s account ID, or "group:" and the group ID).
     */
    public void awaitReadOnOtherDevice(String expected) throws InterruptedException {
        assertEquals(
                expected,
                readElsewhere.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                "read on another device");
    }

    @Override
    public void onIdentityChanged(Contact contact) {
        identityChanges.add(contact);
    }

    /** Waits for the next identity change. */
    public Contact awaitIdentityChange() throws InterruptedException {
        Contact c = identityChanges.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(c, "no identity change reported in " + TIMEOUT);
        return c;
    }

    @Override
    public void onMessageFailed(MessageId id, String reason) {
        failures.add(id.value() + ": " + reason);
    }

    /** Waits for the next failed message, as {@code "<id>: <reason>"}. */
    public String awaitFailure() throws InterruptedException {
        String f = failures.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(f, "no failed message reported in " + TIMEOUT);
        return f;
    }

    @Override
    public void onEnvelopeRejected(EnvelopeRejection rejection) {
        rejections.add(rejection);
    }

    /** Waits for the next rejected envelope. */
    public EnvelopeRejection awaitRejection() throws InterruptedException {
        EnvelopeRejection r = rejections.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(r, "no rejected envelope reported in " + TIMEOUT);
        return r;
    }

    /** The rejections reported and not yet awaited. */
    public List<EnvelopeRejection> drainRejections() {
        List<EnvelopeRejection> rest = new ArrayList<>();
        rejections.drainTo(rest);
        return rest;
    }

    @Override
    public void onGroupChanged(Group group) {
        groups.add(group);
    }

    @Override
    public void onGroupGap(GroupId group, AccountId from, int fromDevice, long missing) {
        gaps.add(group + ":" + from.value() + ":" + missing);
    }

    /** Waits for a group change that {@code wanted} accepts, skipping others. */
    public Group awaitGroup(java.util.function.Predicate<Group> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Group g = groups.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (g == null) {
                fail("no matching group change in " + TIMEOUT);
            }
            if (wanted.test(g)) {
                return g;
            }
        }
    }

    /** Gaps reported and not yet taken, as {@code "<group>:<from>:<missing>"}. */
    public List<String> drainGaps() {
        List<String> rest = new ArrayList<>();
        gaps.drainTo(rest);
        return rest;
    }

    @Override
    public void onMessage(IncomingMessage message) {
        messages.add(message);
    }

    @Override
    public void onMessageState(MessageId id, MessageState state) {
        messageStates.add(id.value() + ":" + state);
    }

    @Override
    public void onTyping(AccountId from, boolean typing) {
        typings.add(from.value() + ":" + typing);
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

    /** How many messages arrived that no {@link #awaitMessages} took yet. */
    public int untakenMessages() {
        return messages.size();
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

    /**
     * Waits until message {@code id} was reported in {@code expected.length} states, then checks
     * they were exactly {@code expected}, in order (reports for other messages are kept for them).
     */
    public void awaitMessageStates(MessageId id, MessageState... expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (seen(id).size() < expected.length) {
            String next = messageStates.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (next == null) {
                fail(id + " reached " + seen(id) + ", expected " + List.of(expected));
            }
            int colon = next.lastIndexOf(':');
            seen(new MessageId(next.substring(0, colon)))
                    .add(MessageState.valueOf(next.substring(colon + 1)));
        }
        assertEquals(List.of(expected), seen(id), "states of " + id);
    }

    /** Every state reported for {@code id} so far, including ones not yet awaited. */
    public List<MessageState> statesOf(MessageId id) {
        List<String> rest = new ArrayList<>();
        messageStates.drainTo(rest);
        for (String next : rest) {
            int colon = next.lastIndexOf(':');
            seen(new MessageId(next.substring(0, colon)))
                    .add(MessageState.valueOf(next.substring(colon + 1)));
        }
        return List.copyOf(seen(id));
    }

    private List<MessageState> seen(MessageId id) {
        return statesSeen.computeIfAbsent(id, k -> new ArrayList<>());
    }

    /** Waits for the next typing indicator and checks who sent it and what it said. */
    public void awaitTyping(AccountId from, boolean typing) throws InterruptedException {
        assertEquals(
                from.value() + ":" + typing,
                typings.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Typing indicators received and not yet taken, as {@code "<from>:<typing>"}. */
    public List<String> drainTypings() {
        List<String> rest = new ArrayList<>();
        typings.drainTo(rest);
        return rest;
    }

    /** Errors reported and not yet taken. */
    public List<ChatException> drainErrors() {
        List<ChatException> rest = new ArrayList<>();
        errors.drainTo(rest);
        return rest;
    }
}
