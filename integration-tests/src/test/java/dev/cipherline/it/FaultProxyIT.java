package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.OutgoingMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several clients talk to each other through a {@link FaultProxy} that cuts their connections
 * mid-frame, stalls them and black-holes them on a seeded schedule. Every message must still reach
 * its recipient's app exactly once and in its conversation's order.
 */
class FaultProxyIT {
    private static final int CLIENTS = 4;

    @TempDir Path dir;

    private RelayProcess relay;
    private FaultProxy proxy;
    private final List<ChatClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (ChatClient client : clients) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void messagesSurviveCutsStallsAndBlackHoles() throws Exception {
        int messages = Soak.pick(2_000, 10_000);
        relay = RelayProcess.start(dir.resolve("relay"));
        proxy =
                FaultProxy.start(
                        relay.port(),
                        Soak.seed(),
                        new FaultProxy.Schedule(8 * 1024, 96 * 1024, 45, 40, 100, 1_500));
        List<AccountId> ids = new ArrayList<>();
        List<RecordingListener> inboxes = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Path home = dir.resolve("client" + i);
            ids.add(Accounts.create(home, relay.url(), "client" + i).accountId());
            RecordingListener inbox = new RecordingListener();
            inboxes.add(inbox);
            clients.add(Accounts.openForFaults(home, proxy.url(), inbox));
        }

        Ledger ledger = new Ledger();
        List<OutgoingMessage> handles = new ArrayList<>(messages);
        for (int i = 0; i < messages; i++) {
            int from = i % CLIENTS;
            int to = (from + 1 + (i / CLIENTS) % (CLIENTS - 1)) % CLIENTS;
            OutgoingMessage m = clients.get(from).send(ids.get(to), String.format("fault-%06d", i));
            ledger.sent(ids.get(from), ids.get(to), m.id());
            handles.add(m);
        }
        for (OutgoingMessage m : handles) {
            assertEquals(MessageState.SENT, m.accepted().get(5, TimeUnit.MINUTES));
        }
        for (int i = 0; i < CLIENTS; i++) {
            ledger.received(
                    ids.get(i),
                    inboxes.get(i).awaitAll(ledger.expectedBy(ids.get(i)), Duration.ofMinutes(3)));
        }
        int faults = proxy.faults();

        // reconnect every client straight to the relay: anything delivered again shows up here
        for (ChatClient client : clients) {
            client.close();
        }
        clients.clear();
        proxy.close();
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
        System.out.println(result.line("fault-proxy", faults));
        System.out.printf(
                "fault-proxy detail: seed=%d connections=%d cut=%d stall=%d black-hole=%d%n",
                Soak.seed(),
                proxy.connections(),
                proxy.faults(FaultProxy.Fault.CUT),
                proxy.faults(FaultProxy.Fault.STALL),
                proxy.faults(FaultProxy.Fault.BLACK_HOLE));
        assertEquals(messages, result.messages());
        assertEquals(0, result.lost(), "lost");
        assertEquals(0, result.duplicated(), "duplicated");
        assertEquals(0, result.reordered(), "reordered");
        assertEquals(0, result.unexpected(), "unexpected");
        assertTrue(faults >= 10, "the proxy injected only " + faults + " faults");
    }
}
