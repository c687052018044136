package dev.cipherline.it;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a fault scenario sent, per conversation in send order, checked against what each app was
 * handed. A conversation is one (sender, recipient) pair; order is only promised within one.
 */
final class Ledger {
    private record Conversation(AccountId from, AccountId to) {}

    private final Map<Conversation, List<MessageId>> sent = new LinkedHashMap<>();
    private final Map<AccountId, List<IncomingMessage>> received = new HashMap<>();

    /** Records a message the sender queued, in the order the sender queued it. */
    synchronized void sent(AccountId from, AccountId to, MessageId id) {
        sent.computeIfAbsent(new Conversation(from, to), k -> new ArrayList<>()).add(id);
    }

    /** Every message sent to {@code to}. */
    synchronized Set<MessageId> expectedBy(AccountId to) {
        Set<MessageId> ids = new HashSet<>();
        sent.forEach(
                (conversation, list) -> {
                    if (conversation.to().equals(to)) {
                        ids.addAll(list);
                    }
                });
        return ids;
    }

    /** Records what {@code to}'s app was handed, in the order it was handed over. */
    synchronized void received(AccountId to, List<IncomingMessage> messages) {
        received.computeIfAbsent(to, k -> new ArrayList<>()).addAll(messages);
    }

    /** How many messages were sent in all. */
    synchronized int messages() {
        return sent.values().stream().mapToInt(List::size).sum();
    }

    /** Compares what was sent with what was handed over. */
    synchronized Result check() {
        int lost = 0;
        int duplicated = 0;
        int reordered = 0;
        int unexpected = 0;
        Map<Conversation, List<MessageId>> handed = new HashMap<>();
        for (Map.Entry<AccountId, List<IncomingMessage>> e : received.entrySet()) {
            for (IncomingMessage m : e.getValue()) {
                handed.computeIfAbsent(
                                new Conversation(m.from(), e.getKey()), k -> new ArrayList<>())
                        .add(m.id());
            }
        }
        for (Map.Entry<Conversation, List<MessageId>> e : handed.entrySet()) {
            if (!sent.containsKey(e.getKey())) {
                unexpected += e.getValue().size();
            }
        }
        for (Map.Entry<Conversation, List<MessageId>> e : sent.entrySet()) {
            Map<MessageId, Integer> position = new HashMap<>();
            List<MessageId> order = e.getValue();
            for (int i = 0; i < order.size(); i++) {
                position.put(order.get(i), i);
            }
            Set<MessageId> seen = new HashSet<>();
            int highest = -1;
            for (MessageId id : handed.getOrDefault(e.getKey(), List.of())) {
                Integer at = position.get(id);
                if (at == null) {
                    unexpected++;
                } else if (!seen.add(id)) {
                    duplicated++;
                } else if (at < highest) {
                    reordered++;
                } else {
                    highest = at;
                }
            }
            lost += order.size() - seen.size();
        }
        return new Result(messages(), lost, duplicated, reordered, unexpected);
    }

    /**
     * The outcome of a scenario.
     *
     * @param lost messages sent (and accepted) that no app was handed
     * @param duplicated hand-overs of a message beyond its first
     * @param reordered messages handed over after a later message of the same conversation
     * @param unexpected hand-overs of messages nobody sent in this scenario
     */
    record Result(int messages, int lost, int duplicated, int reordered, int unexpected) {
        /** The one line a scenario prints. */
        String line(String scenario, int faults) {
            return "scenario="
                    + scenario
                    + " messages="
                    + messages
                    + " faults="
                    + faults
                    + " lost="
                    + lost
                    + " duplicated="
                    + duplicated
                    + " reordered="
                    + reordered;
        }
    }
}
