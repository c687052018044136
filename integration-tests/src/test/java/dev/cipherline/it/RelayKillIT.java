package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several clients exchange messages while the relay is killed with SIGKILL again and again and
 * restarted each time on the same data directory and port. The default run is short; {@code -Dsoak}
 * runs 20,000 messages through 25 kills.
 */
class RelayKillIT {
    private static final int CLIENTS = 4;

    @TempDir Path dir;

    private RelayProcess relay;
    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (ChatClient client : clients) {
            client.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void everyAcceptedMessageSurvivesRepeatedSigkills() throws Exception {
        int messages = Soak.pick(3_000, 20_000);
        int kills = Soak.pick(5, 25);
        Random schedule = new Random(Soak.seed());
        Path data = dir.resolve("relay");
        relay = RelayProcess.start(data);
        int port = relay.port();
        List<AccountId> ids = new ArrayList<>();
        List<RecordingListener> inboxes = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Path home = dir.resolve("client" + i);
            ids.add(Accounts.create(home, relay.url(), "client" + i).accountId());
            RecordingListener inbox = new RecordingListener();
            inboxes.add(inbox);
            clients.add(Accounts.openForFaults(home, relay.url(), inbox));
        }

        Ledger ledger = new Ledger();
        List<OutgoingMessage> handles = new ArrayList<>(messages);
        int segment = messages / (kills + 1);
        int killed = 0;
        for (int i = 0; i < messages; i++) {
            int from = i % CLIENTS;
            int to = (from + 1 + (i / CLIENTS) % (CLIENTS - 1)) % CLIENTS;
            OutgoingMessage m = clients.get(from).send(ids.get(to), String.format("kill-%06d", i));
            ledger.sent(ids.get(from), ids.get(to), m.id());
            handles.add(m);
            if (killed < kills && i == (killed + 1) * segment - 1) {
                // kill once a seeded message of this segment was accepted: the outboxes are
                // still draining and deliveries are in flight
                int start = killed * segment;
                int trigger = start + segment / 4 + schedule.nextInt(segment / 2);
                handles.get(trigger).accepted().get(3, TimeUnit.MINUTES);
                relay.kill();
                relay = RelayProcess.start(data, port);
                killed++;
            }
        }
        for (OutgoingMessage m : handles) {
            assertEquals(MessageState.SENT, m.accepted().get(5, TimeUnit.MINUTES));
        }
        for (int i = 0; i < CLIENTS; i++) {
            ledger.received(
                    ids.get(i),
                    inboxes.get(i).awaitAll(ledger.expectedBy(ids.get(i)), Duration.ofMinutes(5)));
        }

        // reconnect every client: anything the relay delivers again shows up here
        for (ChatClient client : clients) {
            client.close();
        }
        clients.clear();
        for (int i = 0; i < CLIENTS; i++) {
            RecordingListener again = new RecordingListener();
            ChatClient client =
                    Accounts.openForFaults(dir.resolve("client" + i), relay.url(), again);
            clients.add(client);
            client.synced().get(60, TimeUnit.SECONDS);
            ledger.received(ids.get(i), inboxes.get(i).drain());
            ledger.received(ids.get(i), again.drain());
        }

        Ledger.Result result = ledger.check();
        System.out.println(result.line("relay-sigkill", killed));
        assertEquals(kills, killed);
        assertEquals(messages, result.messages());
        assertEquals(0, result.lost(), "lost");
        assertEquals(0, result.duplicated(), "duplicated");
        assertEquals(0, result.reordered(), "reordered");
        assertEquals(0, result.unexpected(), "unexpected");
    }
}
