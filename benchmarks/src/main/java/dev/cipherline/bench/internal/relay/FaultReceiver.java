package dev.cipherline.bench.internal.relay;

import dev.cipherline.protocol.Frame;
import java.util.Arrays;
import java.util.List;

/**
 * A receiver of the fault check: acks every delivery as it arrives and sorts each one by its
 * clientMsgId. The first delivery of an id counts as delivered. Another delivery of the same id is
 *
 * <ul>
 *   <li>a <em>redelivery after the kill</em> if it has the same {@code seq} and came on a newer
 *       connection than the one that last had it: the ack of the first one was lost with the relay,
 *       and the protocol delivers unacknowledged entries again on the next connection (the SDK
 *       drops these);
 *   <li>a <em>redelivery on the same connection</em> if it has the same {@code seq} on the same
 *       connection, which the relay should never do;
 *   <li>a <em>duplicate seq</em> if it has another {@code seq}: the relay stored the envelope
 *       twice.
 * </ul>
 *
 * <p>From here a redelivered entry whose ack was lost in the kill looks the same as one whose ack
 * the relay had processed; only a second {@code seq} for one clientMsgId is certainly the relay's
 * fault. Synchronized, because a reconnect moves it to another connection and event loop.
 */
final class FaultReceiver implements FrameListener {
    /** Called for each clientMsgId delivered for the first time. */
    interface Progress {
        void delivered();
    }

    private final int stream;
    private final BenchDevice from;
    private final Progress progress;
    private final long[] seqOf;
    private final BenchConnection[] connectionOf;
    private final long[] ackedAt;
    private final long[] serverTimeOf;
    private int distinct;
    private int highest = -1;
    private long outOfOrder;
    private long redeliveredAfterKill;
    private long earliestRedeliveredAck = Long.MAX_VALUE;
    private long redeliveredSameConnection;
    private long duplicateSeqs;
    private long errors;

    FaultReceiver(int stream, BenchDevice from, int messages, Progress progress) {
        this.stream = stream;
        this.from = from;
        this.progress = progress;
        this.seqOf = new long[messages];
        this.connectionOf = new BenchConnection[messages];
        this.ackedAt = new long[messages];
        this.serverTimeOf = new long[messages];
        Arrays.fill(seqOf, -1);
    }

    @Override
    public synchronized void onFrame(BenchConnection c, Frame frame) {
        if (frame instanceof Frame.Deliver d) {
            c.send(new Frame.Ack(List.of(d.seq())));
            int index = FaultSender.index(d.clientMsgId());
            byte[] p = d.ciphertext();
            if (index < 0
                    || index >= seqOf.length
                    || !d.sender().equals(from.accountId())
                    || p.length < Payloads.HEADER
                    || Payloads.stream(p) != stream
                    || Payloads.index(p) != index) {
                errors++; // misrouted or altered: never counted as delivered
                return;
            }
            if (seqOf[index] < 0) {
                seqOf[index] = d.seq();
                connectionOf[index] = c;
                ackedAt[index] = System.nanoTime();
                serverTimeOf[index] = d.serverTime();
                distinct++;
                if (index < highest) {
                    outOfOrder++;
                }
                highest = Math.max(highest, index);
                progress.delivered();
            } else if (seqOf[index] != d.seq()) {
                duplicateSeqs++;
            } else if (connectionOf[index] != c) {
                connectionOf[index] =
                        c; // a second redelivery on this connection is the relay's fault
                redeliveredAfterKill++;
                earliestRedeliveredAck = Math.min(earliestRedeliveredAck, ackedAt[index]);
            } else {
                redeliveredSameConnection++;
            }
        } else if (!(frame instanceof Frame.Synced)) {
            errors++;
        }
    }

    /** Whether message {@code index} was delivered at least once. */
    synchronized boolean delivered(int index) {
        return seqOf[index] >= 0;
    }

    /**
     * When the relay accepted message {@code index}, by its clock ({@code serverTime} of the
     * delivery, epoch milliseconds); only meaningful if {@link #delivered} it.
     */
    synchronized long serverTime(int index) {
        return serverTimeOf[index];
    }

    synchronized int distinct() {
        return distinct;
    }

    /** First deliveries whose index is below one delivered before. */
    synchronized long outOfOrder() {
        return outOfOrder;
    }

    synchronized long redeliveredAfterKill() {
        return redeliveredAfterKill;
    }

    /**
     * The {@link System#nanoTime()} at which the first delivery of the earliest-acked redelivered
     * envelope was acked, or {@link Long#MAX_VALUE} if none was redelivered.
     */
    synchronized long earliestRedeliveredAck() {
        return earliestRedeliveredAck;
    }

    synchronized long redeliveredSameConnection() {
        return redeliveredSameConnection;
    }

    synchronized long duplicateSeqs() {
        return duplicateSeqs;
    }

    /** Unexpected frames and deliveries that are misrouted or do not match their clientMsgId. */
    synchronized long errors() {
        return errors;
    }
}
