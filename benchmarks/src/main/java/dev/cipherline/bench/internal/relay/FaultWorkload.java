package dev.cipherline.bench.internal.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The fault check: W1 ({@code pairs} sender→receiver pairs, {@code messages} envelopes per sender,
 * at most {@code window} unaccepted) while the relay is SIGKILLed once, after about a third of all
 * envelopes were accepted, and restarted on the same data directory and port. Every client then
 * reconnects; senders resend what was not accepted with the same clientMsgId ({@link FaultSender}),
 * receivers ack everything and sort repeats ({@link FaultReceiver}).
 *
 * <p>It passes if every envelope was accepted and delivered in time ({@code completed}), no
 * accepted envelope is missing ({@code lost} 0), no clientMsgId came with two {@code seq}s ({@code
 * duplicate_seqs} 0) and nothing unexpected arrived ({@code errors} 0). Since deliveries to a
 * device come in {@code seq} order and nothing is resent after the last envelope, an envelope
 * stored twice is delivered before the last one, so waiting for all distinct envelopes also waits
 * for any duplicate.
 */
public final class FaultWorkload {
    /** What to run. */
    public record Options(int pairs, int messages, int window, int size, Duration timeout) {}

    private final Options o;

    public FaultWorkload(Options options) {
        this.o = options;
    }

    /**
     * Runs against a fresh relay, kills and restarts it, and returns the fields of its JSON line.
     */
    public Map<String, Object> run(RelayProcess relay, ClientGroup clients) throws Exception {
        int k = o.pairs();
        long total = (long) k * o.messages();
        CountDownLatch killPoint = new CountDownLatch((int) Math.max(1, total / 3));
        CountDownLatch accepted = new CountDownLatch((int) total);
        CountDownLatch delivered = new CountDownLatch((int) total);
        List<BenchDevice> devices = new Registrar(relay.url()).register(2 * k, o.timeout());
        List<FaultSender> senders = new ArrayList<>();
        List<FaultReceiver> receivers = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            senders.add(
                    new FaultSender(
                            i,
                            devices.get(k + i),
                            o.messages(),
                            o.window(),
                            o.size(),
                            () -> {
                                killPoint.countDown();
                                accepted.countDown();
                            }));
            receivers.add(new FaultReceiver(i, devices.get(i), o.messages(), delivered::countDown));
        }
        List<BenchDevice> senderDevices = devices.subList(0, k);
        List<BenchDevice> receiverDevices = devices.subList(k, 2 * k);
        List<BenchConnection> open = new ArrayList<>();
        try {
            open.addAll(Connections.open(clients, receiverDevices, receivers::get, o.timeout()));
            List<BenchConnection> tx =
                    Connections.open(clients, senderDevices, senders::get, o.timeout());
            open.addAll(tx);

            long t0 = System.nanoTime();
            resume(senders, tx);
            boolean reachedKillPoint =
                    killPoint.await(o.timeout().toMillis(), TimeUnit.MILLISECONDS);
            long acceptedBeforeKill = total - accepted.getCount();

            long k0 = System.nanoTime();
            long killedAtMillis = System.currentTimeMillis();
            int exitStatus = relay.kill();
            relay.restart();
            long restarted = System.nanoTime();
            System.err.printf(
                    "RelayLoad: relay killed (exit %d) after %d accepted, restarted in %d ms%n",
                    exitStatus, acceptedBeforeKill, (restarted - k0) / 1_000_000);
            open.forEach(BenchConnection::close);
            open.addAll(Connections.open(clients, receiverDevices, receivers::get, o.timeout()));
            tx = Connections.open(clients, senderDevices, senders::get, o.timeout());
            open.addAll(tx);
            long reconnected = System.nanoTime();
            resume(senders, tx);

            long deadline = System.nanoTime() + o.timeout().toNanos();
            boolean finished =
                    delivered.await(o.timeout().toNanos(), TimeUnit.NANOSECONDS)
                            && accepted.await(
                                    Math.max(0, deadline - System.nanoTime()),
                                    TimeUnit.NANOSECONDS);
            long elapsed = System.nanoTime() - t0;
            // stop the traffic before counting; an incomplete run reports what had arrived by now
            open.forEach(BenchConnection::close);
            return report(
                    senders,
                    receivers,
                    reachedKillPoint && finished,
                    acceptedBeforeKill,
                    exitStatus,
                    k0,
                    killedAtMillis,
                    restarted - k0,
                    reconnected - restarted,
                    elapsed);
        } finally {
            open.forEach(BenchConnection::close);
        }
    }

    /** Starts or resumes each sender on its (new) connection, on that connection's event loop. */
    private static void resume(List<FaultSender> senders, List<BenchConnection> tx) {
        for (int i = 0; i < senders.size(); i++) {
            FaultSender s = senders.get(i);
            BenchConnection c = tx.get(i);
            c.eventLoop().execute(() -> s.resume(c));
        }
    }

    private Map<String, Object> report(
            List<FaultSender> senders,
            List<FaultReceiver> receivers,
            boolean completed,
            long acceptedBeforeKill,
            int exitStatus,
            long killedAt,
            long killedAtMillis,
            long restartNanos,
            long reconnectNanos,
            long elapsedNanos) {
        long accepted = 0;
        long distinct = 0;
        long lost = 0;
        long deliveredNotAccepted = 0;
        long duplicateSeqs = 0;
        long redeliveredAfterKill = 0;
        long earliestRedeliveredAck = Long.MAX_VALUE;
        long redeliveredSameConnection = 0;
        long outOfOrder = 0;
        long resent = 0;
        long resentAlreadyStored = 0;
        long acceptedTwice = 0;
        long sendErrors = 0;
        long errors = 0;
        for (int i = 0; i < senders.size(); i++) {
            FaultSender s = senders.get(i);
            FaultReceiver r = receivers.get(i);
            for (int m = 0; m < o.messages(); m++) {
                if (s.accepted(m) && !r.delivered(m)) {
                    lost++;
                } else if (!s.accepted(m) && r.delivered(m)) {
                    deliveredNotAccepted++;
                }
                // accepted by the killed relay: the resend was answered from its idempotency record
                if (s.resent(m) && r.delivered(m) && r.serverTime(m) < killedAtMillis) {
                    resentAlreadyStored++;
                }
            }
            accepted += s.acceptedCount();
            distinct += r.distinct();
            duplicateSeqs += r.duplicateSeqs();
            redeliveredAfterKill += r.redeliveredAfterKill();
            earliestRedeliveredAck = Math.min(earliestRedeliveredAck, r.earliestRedeliveredAck());
            redeliveredSameConnection += r.redeliveredSameConnection();
            outOfOrder += r.outOfOrder();
            resent += s.resent();
            acceptedTwice += s.acceptedTwice();
            sendErrors += s.sendErrors();
            errors += s.errors() + r.errors();
        }
        double seconds = elapsedNanos / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pairs", o.pairs());
        out.put("messages_per_sender", o.messages());
        out.put("window", o.window());
        out.put("envelope_bytes", o.size());
        out.put("kills", 1);
        out.put("kill_exit_status", exitStatus);
        out.put("completed", completed);
        out.put("passed", completed && lost == 0 && duplicateSeqs == 0 && errors == 0);
        out.put("accepted", accepted);
        out.put("delivered_distinct", distinct);
        out.put("lost", lost);
        out.put("duplicate_seqs", duplicateSeqs);
        out.put("redelivered_after_kill", redeliveredAfterKill);
        out.put(
                "redelivered_oldest_ack_ms_before_kill",
                redeliveredAfterKill == 0
                        ? null
                        : Latencies.round((killedAt - earliestRedeliveredAck) / 1e6));
        out.put("redelivered_same_connection", redeliveredSameConnection);
        out.put("delivered_not_accepted", deliveredNotAccepted);
        out.put("accepted_before_kill", acceptedBeforeKill);
        out.put("resent_after_reconnect", resent);
        out.put("resent_already_stored", resentAlreadyStored);
        out.put("accepted_twice", acceptedTwice);
        out.put("out_of_order", outOfOrder);
        out.put("send_errors", sendErrors);
        out.put("errors", errors);
        out.put("restart_ms", Latencies.round(restartNanos / 1e6));
        out.put("reconnect_ms", Latencies.round(reconnectNanos / 1e6));
        out.put("seconds", Latencies.round(seconds));
        out.put("delivered_msgs_per_s", Math.round(distinct / seconds));
        return out;
    }
}
