package dev.cipherline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cipherline.bench.internal.cluster.ChildJvm;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.MessageId;
import dev.cipherline.sdk.MessageState;
import dev.cipherline.sdk.StoredMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sending SDK process is killed with SIGKILL in the middle of a burst of sends, again and again;
 * each new process (and finally a client in this JVM) resumes the outbox. Every message whose
 * {@code send()} returned before the kill is durable and arrives exactly once, in order; messages
 * the killed process never committed are legitimately absent.
 */
class SdkCrashIT {
    private static final int BURST = 2_000;

    @TempDir Path dir;

    private RelayProcess relay;
    private Process child;

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.destroyForcibly();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void aKilledSendersOutboxResumesExactlyOnceAndInOrder() throws Exception {
        int rounds = Soak.pick(3, 10);
        Random schedule = new Random(Soak.seed());
        relay = RelayProcess.start(dir.resolve("relay"));
        Path aliceHome = dir.resolve("alice");
        AccountId alice = Accounts.create(aliceHome, relay.url(), "alice").accountId();
        AccountId bob = Accounts.create(dir.resolve("bob"), relay.url(), "bob").accountId();
        RecordingListener inbox = new RecordingListener();

        List<Integer> confirmed = new ArrayList<>();
        try (ChatClient receiver = Accounts.openForFaults(dir.resolve("bob"), relay.url(), inbox)) {
            for (int round = 0; round < rounds; round++) {
                int killAt = 100 + schedule.nextInt(BURST / 2);
                confirmed.add(burstAndKill(aliceHome, bob, "r" + round, killAt));
            }

            // what the killed processes left in the outbox for the next client to send
            int handedBeforeResume = inbox.waiting();
            Ledger ledger = new Ledger();
            List<StoredMessage> durable;
            int notDurable = 0;
            try (ChatClient sender =
                    Accounts.openForFaults(aliceHome, relay.url(), new RecordingListener())) {
                assertEquals(0, sender.flush(Duration.ofMinutes(3)), "outbox drained");
                durable = outgoingHistory(sender, bob);
            }
            for (int round = 0; round < rounds; round++) {
                List<String> texts = new ArrayList<>();
                for (StoredMessage m : durable) {
                    if (m.text().startsWith("r" + round + "-")) {
                        texts.add(m.text());
                    }
                }
                // sends are sequential: what is durable is a prefix of the burst, and it holds
                // at least every message whose send() had returned
                assertEquals(Accounts.numbered("r" + round, texts.size()), texts);
                notDurable += Math.max(0, confirmed.get(round) + 1 - texts.size());
            }
            for (StoredMessage m : durable) {
                assertTrue(
                        m.state() == MessageState.SENT || m.state() == MessageState.DELIVERED,
                        m + " still " + m.state());
                ledger.sent(alice, bob, m.id());
            }

            ledger.received(bob, inbox.awaitAll(ledger.expectedBy(bob), Duration.ofMinutes(3)));
            receiver.close();
            RecordingListener again = new RecordingListener();
            try (ChatClient reopened =
                    Accounts.openForFaults(dir.resolve("bob"), relay.url(), again)) {
                reopened.synced().get(60, TimeUnit.SECONDS);
                ledger.received(bob, inbox.drain());
                ledger.received(bob, again.drain());
            }

            Ledger.Result result = ledger.check();
            System.out.printf(
                    "sdk-sigkill detail: seed=%d confirmed-queued=%s undelivered-at-final-reopen=%d%n",
                    Soak.seed(),
                    confirmed.stream().map(n -> n + 1).toList(),
                    result.messages() - handedBeforeResume);
            int lost = result.lost() + notDurable;
            System.out.println(
                    "scenario=sdk-sigkill messages="
                            + result.messages()
                            + " faults="
                            + rounds
                            + " lost="
                            + lost
                            + " duplicated="
                            + result.duplicated()
                            + " reordered="
                            + result.reordered());
            assertEquals(0, lost, "lost");
            assertEquals(0, result.duplicated(), "duplicated");
            assertEquals(0, result.reordered(), "reordered");
            assertEquals(0, result.unexpected(), "unexpected");
            assertTrue(
                    result.messages() > handedBeforeResume,
                    "the last kill left nothing in the outbox; the scenario proved nothing");
        }
    }

    /**
     * Runs a {@link BurstSender} and kills it once it reported {@code killAt} sends; returns the
     * highest message number it reported queued before it died.
     */
    private int burstAndKill(Path home, AccountId to, String prefix, int killAt)
            throws IOException, InterruptedException {
        child =
                new ProcessBuilder(
                                ChildJvm.java(),
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                BurstSender.class.getName(),
                                home.toString(),
                                relay.url().toString(),
                                to.value(),
                                prefix,
                                Integer.toString(BURST))
                        .redirectError(
                                ProcessBuilder.Redirect.appendTo(
                                        dir.resolve("burst-sender.log").toFile()))
                        .start();
        int last = -1;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("queued ")) {
                    last = Integer.parseInt(line.substring("queued ".length()));
                    if (last >= killAt) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the sender died");
        assertTrue(last >= killAt, prefix + ": the sender stopped early at " + last);
        child = null;
        return last;
    }

    /** Every outgoing message to {@code peer} in the history, oldest first. */
    private static List<StoredMessage> outgoingHistory(ChatClient client, AccountId peer) {
        List<StoredMessage> all = new ArrayList<>();
        MessageId before = null;
        while (true) {
            List<StoredMessage> page = client.history().page(peer, 1000, before);
            if (page.isEmpty()) {
                break;
            }
            all.addAll(page);
            before = page.get(page.size() - 1).id();
        }
        Collections.reverse(all);
        return all.stream().filter(m -> m.direction() == Direction.OUTGOING).toList();
    }
}
