package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.bench.internal.cluster.ClusterBench;
import dev.cipherline.bench.internal.cluster.KafkaBroker;
import dev.cipherline.bench.internal.cluster.MongoProcess;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.GroupId;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import dev.cipherline.sdk.StoreProtection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay cluster of real processes: a single-node Kafka broker (KRaft, from its Maven jars), a
 * mongo-java-server process as the shared store (no {@code mongod} can be installed here) and three
 * relay nodes with {@code --store mongodb --bus kafka}. Fifty SDK clients, spread over the nodes,
 * exchange 1:1 and group messages while one node is SIGKILLed, a second is SIGTERMed and restarted,
 * and the Kafka broker is stopped and restarted. A ledger checks that every accepted message
 * reached its recipient exactly once and in order per conversation.
 */
class ClusterIT {
    private static final int CLIENTS = 50;
    private static final int GROUP_MEMBERS = 10;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir Path dir;

    private KafkaBroker kafka;
    private MongoProcess mongo;
    private final RelayProcess[] nodes = new RelayProcess[3];
    private final int[] ports = new int[3];
    private final List<ChatClient> clients = new ArrayList<>();
    private final List<RecordingListener> inboxes = new ArrayList<>();
    private final List<List<IncomingMessage>> got = new ArrayList<>();
    private final List<AccountId> ids = new ArrayList<>();
    private final Ledger direct = new Ledger();
    private final Ledger grouped = new Ledger();
    private final List<OutgoingMessage> handles = new ArrayList<>();
    private GroupId group;

    @BeforeEach
    void startCluster() throws Exception {
        kafka = KafkaBroker.start(dir.resolve("kafka"));
        mongo = MongoProcess.start(dir.resolve("mongo.log"));
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = startNode(i, 0);
            ports[i] = nodes[i].port();
        }
    }

    @AfterEach
    void stopCluster() throws Exception {
        for (ChatClient client : clients) {
            client.close();
        }
        for (RelayProcess node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        if (mongo != null) {
            mongo.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private RelayProcess startNode(int i, int port, String... extra) throws Exception {
        List<String> flags =
                new ArrayList<>(ClusterBench.nodeFlags(kafka, mongo, "node" + (i + 1)));
        flags.addAll(List.of(extra));
        return RelayProcess.start(
                dir.resolve("node" + (i + 1)), port, flags.toArray(String[]::new));
    }

    /** The nodes' URLs starting with node {@code first}: each client has a home node. */
    private List<URI> urlsFrom(int first) {
        List<URI> urls = new ArrayList<>();
        for (int k = 0; k < nodes.length; k++) {
            urls.add(URI.create("http://127.0.0.1:" + ports[(first + k) % nodes.length]));
        }
        return urls;
    }

    @Test
    void everyAcceptedMessageArrivesOnceInOrderThroughNodeDeathsAndAKafkaOutage() throws Exception {
        for (int i = 0; i < CLIENTS; i++) {
            Path home = dir.resolve("client" + i);
            ids.add(
                    ChatClient.initialize(
                                    home,
                                    urlsFrom(i % nodes.length),
                                    "c" + i,
                                    StoreProtection.none())
                            .accountId());
            RecordingListener inbox = new RecordingListener();
            inboxes.add(inbox);
            got.add(new ArrayList<>());
            // no relay URL given: each client uses the node list stored at initialization
            clients.add(
                    ChatClient.builder()
                            .home(home)
                            .listener(inbox)
                            .heartbeatInterval(Duration.ofSeconds(1))
                            .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                            .sendRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                            .build());
        }
        group = clients.get(0).groups().create("cluster", ids.subList(1, GROUP_MEMBERS)).id();
        for (int i = 1; i < GROUP_MEMBERS; i++) {
            inboxes.get(i).awaitGroup(g -> g.id().equals(group), WAIT);
        }

        // 1. all three nodes up; node 2 is SIGKILLed while these are still in flight
        sendRound(0, 4);
        handles.get(handles.size() / 3).accepted().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        nodes[1].kill();
        nodes[1] = null;

        // 2. its clients moved to the others; then node 3 is stopped cleanly and restarted
        sendRound(1, 3);
        handles.get(handles.size() - 40).accepted().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, nodes[2].stop());
        nodes[2] = startNode(2, ports[2]);
        sendRound(2, 3);

        // 3. the Kafka broker stops: what is sent meanwhile is delivered, slower, through the store
        awaitAccepted();
        kafka.stop();
        for (RelayProcess node : new RelayProcess[] {nodes[0], nodes[2]}) {
            awaitLog(node, "Kafka does not answer");
        }
        int before = handles.size();
        sendRound(3, 2);
        awaitAccepted();
        Set<MessageId> duringOutage = new HashSet<>();
        handles.subList(before, handles.size()).forEach(m -> duringOutage.add(m.id()));
        for (int i = 0; i < CLIENTS; i++) {
            Set<MessageId> expected = new HashSet<>(expectedBy(i));
            expected.retainAll(duringOutage);
            collect(i, expected);
            Set<MessageId> seen = new HashSet<>();
            got.get(i).forEach(m -> seen.add(m.id()));
            assertTrue(
                    seen.containsAll(expected), "client " + i + " got mail while Kafka was down");
        }
        kafka.restart();
        awaitLog(nodes[0], "Kafka answers again");
        sendRound(4, 2);
        awaitAccepted();

        for (int i = 0; i < CLIENTS; i++) {
            collect(i, expectedBy(i));
            List<IncomingMessage> oneToOne = new ArrayList<>();
            List<IncomingMessage> inGroup = new ArrayList<>();
            for (IncomingMessage m : got.get(i)) {
                (m.group() == null ? oneToOne : inGroup).add(m);
            }
            direct.received(ids.get(i), oneToOne);
            grouped.received(ids.get(i), inGroup);
            assertEquals(List.of(), inboxes.get(i).errors(), "client " + i);
        }
        Ledger.Result d = direct.check();
        Ledger.Result g = grouped.check();
        System.out.println(d.line("cluster-direct", 3));
        System.out.println(g.line("cluster-group", 3));
        assertEquals(new Ledger.Result(d.messages(), 0, 0, 0, 0), d);
        assertEquals(new Ledger.Result(g.messages(), 0, 0, 0, 0), g);
    }

    @Test
    void anEnvelopeThatExpiredIsNeverDeliveredByAnotherNode() throws Exception {
        // a fourth node grants at most three seconds; the recipient reads through node 1
        RelayProcess shortLived = startNode(3, 0, "--max-expiry", "3s");
        try {
            Path senderHome = dir.resolve("sender");
            Path recipientHome = dir.resolve("recipient");
            ChatClient.initialize(
                    senderHome, List.of(shortLived.url()), "sender", StoreProtection.none());
            AccountId recipient =
                    ChatClient.initialize(
                                    recipientHome,
                                    List.of(nodes[0].url()),
                                    "recipient",
                                    StoreProtection.none())
                            .accountId();
            try (ChatClient sender = Accounts.open(senderHome, new RecordingListener())) {
                RecordingListener online = new RecordingListener();
                try (ChatClient receiver = Accounts.open(recipientHome, online)) {
                    receiver.synced().get(60, TimeUnit.SECONDS);
                    Accounts.sendAll(sender, recipient, List.of("fresh"));
                    assertEquals("fresh", online.awaitMessages(1, WAIT).get(0).text());
                }
                long acceptedAt = System.currentTimeMillis();
                Accounts.sendAll(sender, recipient, List.of("stale"));
                // the outcome under test is the passage of time itself
                long left;
                while ((left = acceptedAt + 4_000 - System.currentTimeMillis()) > 0) {
                    TimeUnit.MILLISECONDS.sleep(left);
                }
            }
            RecordingListener later = new RecordingListener();
            try (ChatClient receiver = Accounts.open(recipientHome, later)) {
                receiver.synced().get(60, TimeUnit.SECONDS);
                assertEquals(List.of(), later.drain(), "an expired envelope was delivered");
            }
        } finally {
            shortLived.close();
        }
    }

    /**
     * Each client sends {@code count} 1:1 messages to two peers in turn (one usually on another
     * node), and each group member one group message.
     */
    private void sendRound(int round, int count) {
        for (int c = 0; c < count; c++) {
            for (int i = 0; i < CLIENTS; i++) {
                int to = (i + 1 + (c % 2) * 6) % CLIENTS;
                OutgoingMessage m =
                        clients.get(i)
                                .send(
                                        ids.get(to),
                                        "r" + round + " c" + c + " from " + i + " to " + to);
                direct.sent(ids.get(i), ids.get(to), m.id());
                handles.add(m);
            }
        }
        for (int i = 0; i < GROUP_MEMBERS; i++) {
            OutgoingMessage m = clients.get(i).groups().send(group, "r" + round + " g" + i);
            for (int member = 0; member < GROUP_MEMBERS; member++) {
                if (member != i) {
                    grouped.sent(ids.get(i), ids.get(member), m.id());
                }
            }
            handles.add(m);
        }
    }

    private Set<MessageId> expectedBy(int client) {
        Set<MessageId> expected = new HashSet<>(direct.expectedBy(ids.get(client)));
        expected.addAll(grouped.expectedBy(ids.get(client)));
        return expected;
    }

    /** Takes from the client's inbox until it has seen {@code ids}; keeps all it took. */
    private void collect(int client, Set<MessageId> ids) throws InterruptedException {
        Set<MessageId> missing = new HashSet<>(ids);
        got.get(client).forEach(m -> missing.remove(m.id()));
        if (!missing.isEmpty()) {
            got.get(client).addAll(inboxes.get(client).awaitAll(missing, WAIT));
        }
    }

    /** Waits until the node has logged {@code text}: a transition the test depends on. */
    private static void awaitLog(RelayProcess node, String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!node.log().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "the node did not log: " + text);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private void awaitAccepted() throws Exception {
        for (OutgoingMessage m : handles) {
            assertEquals(MessageState.SENT, m.accepted().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }
}
