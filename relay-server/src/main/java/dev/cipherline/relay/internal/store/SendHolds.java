package dev.cipherline.relay.internal.store;

import dev.cipherline.protocol.Frame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps one connection's sends to each recipient account in the order they arrived, through a
 * refusal, so that a client may send many envelopes to one recipient without waiting for each
 * answer.
 *
 * <p><b>The rule.</b> When a send is refused for a reason a retry can change ({@code
 * mismatched-devices}, {@code quota-exceeded}, {@code rate-limited}, {@code held}, a store
 * failure), every recipient account it named becomes <em>held</em> by it on that connection. A
 * later send of the connection that names a held account is refused {@code held} and stores
 * nothing, until the holding send arrives again (same clientMsgId: it ends its holds, whatever its
 * answer then), its {@code expiresAt} passes (the client can no longer send it), or the connection
 * closes. Permanent refusals hold nothing: the client never sends that envelope again. Ephemeral
 * sends are never held and hold nothing.
 *
 * <p><b>Where it is decided.</b> "Later" means later in the connection's arrival order, which the
 * {@link Ticket} numbers. Storage engines check and record holds on their writer, inside the store
 * operation ({@link #guard}), because a refusal and the next send of the same connection can be
 * decided in the same group commit; a failure decided after the operation (a batch that did not
 * commit) is recorded when its future completes, on the writer, before the next batch runs. The
 * numbers make it safe to run an operation twice (a batch re-run after a rollback): a hold only
 * stops sends that arrived after the send that made it.
 *
 * <p>Thread-safe: the connection's event loop and a store writer both use it.
 */
public final class SendHolds {
    /**
     * At most this many refused sends are remembered per connection. A well-behaved client sends a
     * refused envelope again within seconds; past the limit further refusals are not remembered,
     * and the order guarantee lapses for them, as PROTOCOL.md says.
     */
    public static final int MAX_HOLDS = 4096;

    /** A refused send that has not been stored since. */
    private static final class Hold {
        final String clientMsgId;
        final long number;
        final long expiresAt;
        final Set<String> accounts;

        /** It came again and is on its way to the store. */
        boolean pending;

        Hold(String clientMsgId, long number, long expiresAt, Set<String> accounts) {
            this.clientMsgId = clientMsgId;
            this.number = number;
            this.expiresAt = expiresAt;
            this.accounts = accounts;
        }
    }

    private final Map<String, Hold> byClientMsgId = new HashMap<>();
    private final Map<String, List<Hold>> byAccount = new HashMap<>();
    private long lastNumber;

    /** A send's place in its connection's arrival order. */
    public record Ticket(SendHolds holds, long number) {}

    /** Numbers the connection's next send; called in arrival order, on its event loop. */
    public synchronized Ticket next() {
        return new Ticket(this, ++lastNumber);
    }

    /**
     * Runs {@code store} for {@code send} unless a hold stops it, and records the holds its outcome
     * or failure makes or ends. Without a ticket, {@code store} just runs.
     *
     * @param undo where to add what undoes this call's changes to the holds if the engine rolls
     *     back the operation; null for an engine that never runs an operation twice
     * @return {@link SendOutcome.Held} naming the envelope to resend first, or {@code store}'s
     *     outcome
     */
    public static <E extends Exception> SendOutcome guard(
            SendRequest send, Operation<E> store, List<Runnable> undo) throws E {
        Ticket ticket = send.ticket();
        if (ticket == null) {
            return store.run();
        }
        SendHolds holds = ticket.holds();
        String first = holds.blocking(send, ticket.number());
        if (first != null) {
            holds.refused(send, ticket.number(), undo);
            return new SendOutcome.Held(first);
        }
        SendOutcome outcome;
        try {
            outcome = store.run();
        } catch (Exception e) {
            holds.refused(send, ticket.number(), undo);
            throw e;
        }
        if (outcome instanceof SendOutcome.Mismatched
                || outcome instanceof SendOutcome.QuotaExceeded) {
            holds.refused(send, ticket.number(), undo);
        } else {
            holds.resolved(send, undo);
        }
        return outcome;
    }

    /** A store operation of one send. */
    @FunctionalInterface
    public interface Operation<E extends Exception> {
        SendOutcome run() throws E;
    }

    /**
     * Checks {@code send}, which has just arrived, against the holds, before it takes a rate-limit
     * token or reaches the store. If it is held, records that and returns the clientMsgId to send
     * first. Else returns null, and a refused send that came again is on its way to the store: it
     * stops holding on arrival (the store decides it before anything that arrives after it).
     */
    public synchronized String heldOnArrival(SendRequest send) {
        if (byClientMsgId.isEmpty()) {
            return null;
        }
        String first = oldestBefore(send, lastNumber + 1, send.serverTime(), false);
        if (first != null) {
            refused(send, ++lastNumber, null);
            return first;
        }
        Hold own = byClientMsgId.get(send.clientMsgId());
        if (own != null) {
            own.pending = true;
        }
        return null;
    }

    /**
     * Records that {@code send} (arrived as {@code number}) was refused for a reason a retry can
     * change: it holds its accounts against the connection's later sends until it is stored. A send
     * refused again keeps its first place.
     */
    public synchronized void refused(SendRequest send, long number, List<Runnable> undo) {
        Hold own = byClientMsgId.get(send.clientMsgId());
        if (own != null) {
            if (own.pending) {
                own.pending = false;
                if (undo != null) {
                    undo.add(() -> setPending(own, true));
                }
            }
            return;
        }
        if (byClientMsgId.size() >= MAX_HOLDS) {
            return;
        }
        Hold hold = new Hold(send.clientMsgId(), number, send.expiresAt(), accounts(send));
        add(hold);
        if (undo != null) {
            undo.add(() -> remove(hold));
        }
    }

    /**
     * The client gave up the refused send {@code clientMsgId} (it will not come again): it holds
     * nothing anymore. Does nothing if it holds nothing.
     */
    public synchronized void abandon(String clientMsgId) {
        Hold own = byClientMsgId.get(clientMsgId);
        if (own != null) {
            remove(own);
        }
    }

    /** Whether no refused send is remembered: nothing can be held. */
    public synchronized boolean isEmpty() {
        return byClientMsgId.isEmpty();
    }

    /** How many refused sends are remembered now (for tests and diagnostics). */
    public synchronized int holds() {
        return byClientMsgId.size();
    }

    /** The oldest send holding {@code send} in the store's order, or null. */
    private synchronized String blocking(SendRequest send, long number) {
        if (byClientMsgId.isEmpty()) {
            return null;
        }
        return oldestBefore(send, number, send.serverTime(), true);
    }

    /**
     * The oldest refused send, other than {@code send} itself, that holds one of its accounts and
     * comes before it; expired ones are forgotten on the way. {@code send} comes at {@code number},
     * or at its own first place if it was refused before. Unless {@code countPending}, refused
     * sends on their way to the store again do not hold.
     */
    private String oldestBefore(SendRequest send, long number, long now, boolean countPending) {
        Hold own = byClientMsgId.get(send.clientMsgId());
        long place = own != null ? Math.min(own.number, number) : number;
        Hold first = null;
        List<Hold> expired = new ArrayList<>();
        for (String account : accounts(send)) {
            List<Hold> list = byAccount.get(account);
            if (list == null) {
                continue;
            }
            for (Hold h : list) {
                if (h.expiresAt <= now) {
                    expired.add(h);
                } else if (h != own
                        && h.number < place
                        && (countPending || !h.pending)
                        && (first == null || h.number < first.number)) {
                    first = h;
                }
            }
        }
        for (Hold h : expired) {
            remove(h);
        }
        return first == null ? null : first.clientMsgId;
    }

    /** {@code send} was stored (or refused for good): it holds nothing anymore. */
    private synchronized void resolved(SendRequest send, List<Runnable> undo) {
        Hold own = byClientMsgId.get(send.clientMsgId());
        if (own != null) {
            remove(own);
            if (undo != null) {
                undo.add(() -> add(own));
            }
        }
    }

    private synchronized void setPending(Hold hold, boolean pending) {
        hold.pending = pending;
    }

    private synchronized void add(Hold hold) {
        byClientMsgId.put(hold.clientMsgId, hold);
        for (String account : hold.accounts) {
            byAccount.computeIfAbsent(account, a -> new ArrayList<>()).add(hold);
        }
    }

    private synchronized void remove(Hold hold) {
        if (byClientMsgId.remove(hold.clientMsgId, hold)) {
            for (String account : hold.accounts) {
                List<Hold> list = byAccount.get(account);
                if (list != null) {
                    list.remove(hold);
                    if (list.isEmpty()) {
                        byAccount.remove(account);
                    }
                }
            }
        }
    }

    private static Set<String> accounts(SendRequest send) {
        Set<String> accounts = new LinkedHashSet<>();
        for (Frame.Recipient r : send.recipients()) {
            accounts.add(r.accountId());
        }
        return accounts;
    }
}
